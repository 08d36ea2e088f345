using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>
/// A -U quill (a <see cref="TakeoverRun"/>, round robin) in front of two <see cref="UdpNamedEcho"/> servers, with
/// clients whose sessions are open: each has had an answer (both servers have sessions) and has sent one datagram
/// ("hold-N") its server holds, to be answered when the test chooses.
/// </summary>
internal sealed class UdpSessionsRun : IDisposable
{
    private readonly UdpNamedEcho[] _echoes = [new("s0"), new("s1")];
    private readonly List<UdpSessionClient> _clients = [];
    private TakeoverRun? _run;

    private UdpSessionsRun()
    {
    }

    public TakeoverRun Run => _run ?? throw new InvalidOperationException("the run has not started");

    public IReadOnlyList<UdpSessionClient> Clients => _clients;

    /// <summary>The server of each client's session.</summary>
    public IReadOnlyList<string> Servers { get; private set; } = [];

    public static async Task<UdpSessionsRun> StartAsync(int sessions)
    {
        var started = new UdpSessionsRun();
        try
        {
            started._run = await TakeoverRun.StartUdpAsync([.. started._echoes.Select(echo => echo.Spec)], "-r");
            for (var i = 0; i < sessions; i++) started._clients.Add(new UdpSessionClient(started.Run.Listen.Endpoint));
            var servers = new string[sessions];
            for (var i = 0; i < sessions; i++) servers[i] = await started._clients[i].ExchangeAsync($"hello-{i}");
            Assert.Contains("s0", servers);
            Assert.Contains("s1", servers);
            for (var i = 0; i < sessions; i++) await started._clients[i].SendAsync($"hold-{i}");
            Assert.True(await Eventually.TrueAsync(() => started._echoes.Sum(echo => echo.Held) == sessions),
                $"{started._echoes.Sum(echo => echo.Held)} of {sessions} datagrams held");
            started.Servers = servers;
            return started;
        }
        catch
        {
            started.Dispose();
            throw;
        }
    }

    /// <summary>The servers answer the held datagrams now; each reply must reach its client, from its session's server.</summary>
    public async Task ReleaseHeldAsync()
    {
        foreach (var echo in _echoes) echo.ReleaseHeld();
        for (var i = 0; i < _clients.Count; i++) Assert.Equal(Servers[i], await _clients[i].ReplyToAsync($"hold-{i}"));
    }

    public void Dispose()
    {
        foreach (var client in _clients) client.Dispose();
        _run?.Dispose();
        foreach (var echo in _echoes) echo.Dispose();
    }
}
