using System.Net;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>
/// A client that opens a new connection about every millisecond (a <see cref="Backends.StreamingBackend"/> ping:
/// "P", id, then "pong" back and a close) until stopped, and counts what went wrong: refused, reset, or a wrong reply.
/// </summary>
internal sealed class PingLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _succeeded;
    private int _refused;
    private readonly List<string> _failures = [];

    public PingLoop(EndPoint balancer) => _loop = Task.Run(() => RunAsync(balancer));

    public int Succeeded => Volatile.Read(ref _succeeded);

    /// <summary>Connection attempts refused (no socket listened): the one failure no takeover step may cause.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures) return [.. _failures];
        }
    }

    /// <summary>Waits until <paramref name="more"/> more pings have succeeded (bounded).</summary>
    public async Task WaitForAsync(int more)
    {
        var target = Succeeded + more;
        Assert.True(await Harness.Eventually.TrueAsync(() => Succeeded >= target, TimeSpan.FromSeconds(20)),
            $"only {Succeeded} pings of {target}; failures: {string.Join("; ", Failures)}");
    }

    /// <summary>Stops the loop after the ping in progress; again: nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await _loop;
    }

    private async Task RunAsync(EndPoint balancer)
    {
        var reply = new byte[16];
        for (var id = 0; !_stop.IsCancellationRequested; id++)
        {
            try
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await socket.ConnectAsync(balancer, timeout.Token);
                await socket.SendAsync((byte[])[(byte)'P', .. BitConverter.GetBytes(id)], timeout.Token);
                var got = 0;
                int read;
                while ((read = await socket.ReceiveAsync(reply.AsMemory(got), timeout.Token)) > 0) got += read;
                if (got == 4 && reply.AsSpan(0, 4).SequenceEqual("pong"u8)) Interlocked.Increment(ref _succeeded);
                else Fail($"ping {id}: {got} bytes instead of pong");
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused }) Interlocked.Increment(ref _refused);
                Fail($"ping {id}: {e.Message}");
            }
            await Task.Delay(1);
        }
    }

    private void Fail(string why)
    {
        lock (_failures) _failures.Add(why);
    }
}
