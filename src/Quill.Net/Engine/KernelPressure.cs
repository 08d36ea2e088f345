using System.Collections.Concurrent;
using Quill.Net.Sockmap;

namespace Quill.Net.Engine;

/// <summary>
/// The loop side of sockmap backpressure (<see cref="SockmapPressure"/>): one loop reads the ring the verdict program
/// names spent sources in, and hands each to the relay it belongs to, on that relay's loop. The program writes only
/// when a budget of megabytes runs out, so this wakes rarely, and never for a connection whose peers keep up.
/// </summary>
internal sealed class KernelPressure(SockmapRelay sockmap) : IEventTarget
{
    /// <summary>Each kernel-relayed source socket's cookie, and its relay (any loop's).</summary>
    private readonly ConcurrentDictionary<ulong, Relay> _sources = new();

    public SockmapRelay Sockmap => sockmap;

    /// <summary>Reads the ring on <paramref name="loop"/> from now on (posted: from any thread).</summary>
    public void ReadOn(EventLoop loop) => loop.Post(() =>
    {
        if (loop.Register(sockmap.Spent.Fd, this, 0, output: false) >= 0) OnTurn();
    });

    public void Watch(ulong sourceCookie, Relay relay) => _sources[sourceCookie] = relay;

    public void Forget(ulong sourceCookie) => _sources.TryRemove(sourceCookie, out _);

    public void OnEvents(uint events, int tag) => OnTurn();

    /// <summary>Edge-triggered: everything written so far is read, or no further edge would come for it.</summary>
    public void OnTurn() => sockmap.Spent.Drain(cookie =>
    {
        if (_sources.TryGetValue(cookie, out var relay)) relay.BudgetSpent(cookie);
    });
}
