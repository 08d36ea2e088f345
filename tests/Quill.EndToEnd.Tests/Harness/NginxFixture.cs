using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>
/// A real nginx as two HTTP backends on loopback, each answering every request with its own body. It runs as
/// a child process (no daemon, no master) with its config, pid, logs and temp files in a private directory.
/// </summary>
internal sealed class NginxFixture : IDisposable
{
    public const string Executable = NginxProcess.Executable;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly string _directory;
    private readonly Process _process;

    private NginxFixture(string directory, Process process, int[] ports, string[] bodies)
    {
        _directory = directory;
        _process = process;
        Ports = ports;
        Bodies = bodies;
    }

    public static bool IsInstalled => File.Exists(Executable);

    public IReadOnlyList<int> Ports { get; }

    public IReadOnlyList<string> Bodies { get; }

    public IEnumerable<string> Specs => Ports.Select(port => $"127.0.0.1:{port}");

    public static Task<NginxFixture> StartAsync(params string[] bodies) => StartAsync(bodies, "");

    /// <param name="locations">nginx location blocks each server has besides "/" (which answers its body).</param>
    public static async Task<NginxFixture> StartAsync(string[] bodies, string locations)
    {
        var directory = Directory.CreateTempSubdirectory("quill-e2e-nginx-").FullName;
        var ports = bodies.Select(_ => FreePorts.Next()).ToArray();
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, Config(directory, ports, bodies, locations)).ConfigureAwait(false);

        var process = NginxProcess.Start(directory, config);
        var fixture = new NginxFixture(directory, process, ports, bodies);
        try
        {
            await fixture.WaitUntilListeningAsync().ConfigureAwait(false);
            return fixture;
        }
        catch
        {
            fixture.Dispose();
            throw;
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        var clock = Stopwatch.StartNew();
        while (!Ports.All(port => ListeningSockets.IsListening(new IPEndPoint(IPAddress.Loopback, port))))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync().ConfigureAwait(false)}");
            if (clock.Elapsed > StartTimeout)
                throw new TimeoutException($"nginx not listening on {string.Join(", ", Ports)} after {StartTimeout}");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    private static string Config(string directory, int[] ports, string[] bodies, string locations)
    {
        var servers = string.Concat(ports.Zip(bodies, (port, body) => string.Create(CultureInfo.InvariantCulture,
            $$"""
                server {
                    listen 127.0.0.1:{{port}};
                    location / { default_type text/plain; return 200 "{{body}}\n"; }
                    {{locations}}
                }

            """)));
        return NginxProcess.Config(directory, workerConnections: 128, servers);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
