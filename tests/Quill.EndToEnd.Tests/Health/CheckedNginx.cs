using System.Diagnostics;
using System.Net;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Health;

/// <summary>
/// A real nginx with one port per backend: <c>/health</c> answers 200, or 503 while the backend's flag file exists
/// (<see cref="Fail"/>, <see cref="Recover"/>), so the backend keeps accepting TCP and serving other paths; every other
/// path answers the backend's name (s0, s1...), so a client can tell where it was sent.
/// </summary>
internal sealed class CheckedNginx : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private readonly Process _process;
    private readonly string _directory;

    private CheckedNginx(string directory, Process process, int[] ports)
    {
        _directory = directory;
        _process = process;
        Ports = ports;
    }

    public IReadOnlyList<int> Ports { get; }
    public string[] Specs => [.. Ports.Select(port => $"127.0.0.1:{port}")];

    public static async Task<CheckedNginx> StartAsync(int count)
    {
        var directory = Directory.CreateTempSubdirectory("quill-e2e-health-").FullName;
        var ports = Enumerable.Range(0, count).Select(_ => FreePorts.Next()).ToArray();
        var servers = string.Join("\n", ports.Select((port, i) => $$"""
                server {
                    listen 127.0.0.1:{{port}};
                    location = /health { if (-f {{directory}}/down{{i}}) { return 503; } return 200 "ok\n"; }
                    location / { return 200 "s{{i}}\n"; }
                }
            """));
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, NginxProcess.Config(directory, 1024, servers));
        var nginx = new CheckedNginx(directory, NginxProcess.Start(directory, config), ports);
        try
        {
            var clock = Stopwatch.StartNew();
            while (!ports.All(port => ListeningSockets.IsListening(new IPEndPoint(IPAddress.Loopback, port))))
            {
                if (nginx._process.HasExited) throw new InvalidOperationException($"nginx exited: {await nginx._process.StandardError.ReadToEndAsync()}");
                if (clock.Elapsed > StartTimeout) throw new TimeoutException("nginx not listening");
                await Task.Delay(20);
            }

            return nginx;
        }
        catch
        {
            nginx.Dispose();
            throw;
        }
    }

    /// <summary>Backend <paramref name="index"/> answers 503 on /health from now on.</summary>
    public void Fail(int index) => File.WriteAllText(Flag(index), "");

    public void Recover(int index) => File.Delete(Flag(index));

    private string Flag(int index) => Path.Combine(_directory, $"down{index}");

    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
