using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Quill.EndToEnd.Tests.Backends;

namespace Quill.EndToEnd.Tests.Faults;

/// <summary>Backends that misbehave after accepting: silent, deaf, trickling, resetting, or closing at once.</summary>
internal sealed class FaultyBackend : IDisposable
{
    private readonly SocketAcceptor _acceptor;

    private FaultyBackend(Func<Socket, CancellationToken, Task> handle) =>
        _acceptor = new SocketAcceptor([new IPEndPoint(IPAddress.Loopback, 0)], handle);

    public string Spec => $"127.0.0.1:{((IPEndPoint)_acceptor.LocalEndPoint).Port}";

    public int Accepted => _acceptor.Accepted;

    public int Open => _acceptor.Open;

    /// <summary>Reads whatever comes and never answers, until the peer closes.</summary>
    public static FaultyBackend Silent() => new(async (socket, stopping) =>
    {
        var buffer = new byte[4096];
        while (await socket.ReceiveAsync(buffer, SocketFlags.None, stopping) > 0)
        {
        }
    });

    /// <summary>Sends <paramref name="text"/> one byte per <paramref name="interval"/>, then closes.</summary>
    public static FaultyBackend Trickle(byte[] text, TimeSpan interval) => new(async (socket, stopping) =>
    {
        foreach (var b in text)
        {
            await socket.SendAsync(new[] { b }, SocketFlags.None, stopping);
            await Task.Delay(interval, stopping);
        }
    });

    /// <summary>Sends <paramref name="payload"/>, then, once <paramref name="reset"/> completes, resets (SO_LINGER 0).</summary>
    public static FaultyBackend ResetMidStream(byte[] payload, Task reset) => new(async (socket, stopping) =>
    {
        await socket.SendAsync(payload, SocketFlags.None, stopping);
        await reset.WaitAsync(stopping);
        socket.LingerState = new LingerOption(true, 0);
    });

    /// <summary>Sends as fast as the peer takes, up to <paramref name="limit"/> bytes per connection; <paramref name="sent"/> counts them.</summary>
    public static FaultyBackend Firehose(long limit, StrongBox<long> sent) => new(async (socket, stopping) =>
    {
        var chunk = new byte[64 * 1024];
        for (long total = 0; total < limit; total += chunk.Length)
        {
            await socket.SendAsync(chunk, SocketFlags.None, stopping);
            Interlocked.Add(ref sent.Value, chunk.Length);
        }
    });

    /// <summary>Sends <paramref name="greeting"/>, then never reads: what the client sends fills the socket buffers and stays.</summary>
    public static FaultyBackend Deaf(byte[] greeting) => new(async (socket, stopping) =>
    {
        await socket.SendAsync(greeting, SocketFlags.None, stopping);
        await Task.Delay(Timeout.Infinite, stopping);
    });

    /// <summary>Accepts and closes at once, before a byte either way.</summary>
    public static FaultyBackend CloseOnAccept() => new((_, _) => Task.CompletedTask);

    public void Dispose() => _acceptor.Dispose();
}
