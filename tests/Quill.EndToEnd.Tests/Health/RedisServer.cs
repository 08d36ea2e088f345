using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Health;

/// <summary>A real redis-server on loopback, without persistence, holding the key <c>name</c> = its name, so a client
/// can tell which one answered. <see cref="Pause"/> stops it with SIGSTOP: the kernel still accepts connections, nothing answers.</summary>
internal sealed class RedisServer : IDisposable
{
    public const string Executable = "/usr/bin/redis-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private const int SigStop = 19;
    private const int SigCont = 18;
    private readonly Process _process;

    private RedisServer(Process process, int port, string name) => (_process, Port, Name) = (process, port, name);

    public int Port { get; }
    public string Name { get; }
    public string Spec => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(string name)
    {
        var port = FreePorts.Next();
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
            start.ArgumentList.Add(argument);
        var redis = new RedisServer(Process.Start(start)!, port, name);
        try
        {
            var clock = Stopwatch.StartNew();
            while (!ListeningSockets.IsListening(new IPEndPoint(IPAddress.Loopback, port)))
            {
                if (redis._process.HasExited) throw new InvalidOperationException("redis-server exited");
                if (clock.Elapsed > StartTimeout) throw new TimeoutException("redis-server not listening");
                await Task.Delay(20);
            }

            var reply = await AskAsync(new IPEndPoint(IPAddress.Loopback, port), $"SET name {name}\r\n", "+OK\r\n".Length);
            if (reply != "+OK\r\n") throw new InvalidOperationException($"SET answered {reply}");
            return redis;
        }
        catch
        {
            redis.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="command"/> and reads exactly <paramref name="length"/> bytes of reply (or what came before the close).</summary>
    public static async Task<string> AskAsync(EndPoint endpoint, string command, int length, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, limit.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(command), SocketFlags.None, limit.Token);
        var buffer = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, limit.Token);
            if (n == 0) break;
            read += n;
        }

        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    public void Pause() => PosixNative.SendSignal(_process.Id, SigStop);

    public void Resume() => PosixNative.SendSignal(_process.Id, SigCont);

    public void Dispose()
    {
        try
        {
            Resume();
            _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
