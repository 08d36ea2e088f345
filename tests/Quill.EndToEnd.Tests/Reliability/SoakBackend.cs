using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// One real nginx, its own process, config and port, answering every request with "soak backend N". The chaos
/// loop kills it with SIGKILL and starts it again on the same port, or freezes it with SIGSTOP and SIGCONT.
/// </summary>
internal sealed class SoakBackend : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(500);

    private readonly string _directory;
    private readonly string _config;
    private Process _process;

    private SoakBackend(int index, int port, string directory, string config, Process process)
    {
        Index = index;
        Port = port;
        _directory = directory;
        _config = config;
        _process = process;
    }

    public int Index { get; }

    public int Port { get; }

    public string Spec => $"127.0.0.1:{Port}";

    public static string Reply(int index) => $"soak backend {index}\n";

    public static async Task<SoakBackend> StartAsync(int index)
    {
        var directory = Directory.CreateTempSubdirectory($"quill-soak-nginx{index}-").FullName;
        var port = FreePorts.Next();
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, Config(directory, port, index)).ConfigureAwait(false);
        var backend = new SoakBackend(index, port, directory, config, NginxProcess.Start(directory, config));
        try
        {
            await backend.WaitUntilAcceptingAsync().ConfigureAwait(false);
            return backend;
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    /// <summary>
    /// SIGKILL, then reaped; returns the Stopwatch timestamp of the reaping (by then the kernel has closed every
    /// socket the dead process had).
    /// </summary>
    public async Task<long> KillAsync()
    {
        PosixNative.SendSignal(_process.Id, PosixNative.SigKill);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>A new nginx on the same port, after <see cref="KillAsync"/>; returns once it accepts.</summary>
    public async Task RestartAsync()
    {
        _process.Dispose();
        _process = NginxProcess.Start(_directory, _config);
        await WaitUntilAcceptingAsync().ConfigureAwait(false);
    }

    public void Stop() => PosixNative.SendSignal(_process.Id, PosixNative.SigStop);

    public void Continue() => PosixNative.SendSignal(_process.Id, PosixNative.SigCont);

    /// <summary>
    /// A probe connection straight to nginx (not through quill, so no balancing decision is used up). /proc/net/tcp
    /// would be slow to read here: a soak leaves hundreds of thousands of TIME_WAIT entries in it.
    /// </summary>
    private async Task WaitUntilAcceptingAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"nginx {Index} exited with {_process.ExitCode}: {await File.ReadAllTextAsync(Path.Combine(_directory, "error.log")).ConfigureAwait(false)}");
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(ProbeTimeout);
            try
            {
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                if (clock.Elapsed > StartTimeout)
                    throw new TimeoutException($"nginx {Index} not accepting on {Port} after {StartTimeout}", e);
            }
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    private static string Config(string directory, int port, int index) => NginxProcess.Config(directory, workerConnections: 4096,
        string.Create(CultureInfo.InvariantCulture, $$"""
                server {
                    listen 127.0.0.1:{{port}} backlog=4096;
                    location / { default_type text/plain; return 200 "{{Reply(index).TrimEnd()}}\n"; }
                }
            """));

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                PosixNative.SendSignal(_process.Id, PosixNative.SigKill);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already reaped.
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
