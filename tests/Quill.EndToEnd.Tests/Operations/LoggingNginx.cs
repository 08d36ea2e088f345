using System.Diagnostics;
using System.Net;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>
/// nginx as web servers that keep access logs in Common Log Format, each on its own loopback address
/// (127.0.0.2, 127.0.0.3, ...) so that mergelogs and penlogd can tell them apart.
/// </summary>
internal sealed class LoggingNginx : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private readonly Process _process;

    private LoggingNginx(string directory, Process process, IPEndPoint[] endpoints)
    {
        Directory = directory;
        _process = process;
        EndPoints = endpoints;
    }

    public string Directory { get; }

    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    public IEnumerable<string> Specs => EndPoints.Select(e => $"{e.Address}:{e.Port}");

    public string AccessLog(int server) => Path.Combine(Directory, $"access-{server}.log");

    public static async Task<LoggingNginx> StartAsync(int servers)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("quill-e2e-ops-nginx-").FullName;
        var endpoints = Enumerable.Range(0, servers).Select(i =>
        {
            var address = LoopbackClient.Source(2 + i);
            return new IPEndPoint(address, FreePorts.Next(address));
        }).ToArray();
        var blocks = string.Concat(endpoints.Select((e, i) => $$"""
                server {
                    listen {{e.Address}}:{{e.Port}};
                    access_log {{directory}}/access-{{i}}.log;
                    location / { default_type text/plain; return 200 "web{{i}}\n"; }
                }

            """));
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log;
            events { worker_connections 128; }
            http {
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
            {{blocks}}
            }

            """);
        var start = new ProcessStartInfo(NginxFixture.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-p", directory, "-e", Path.Combine(directory, "error.log"), "-c", config, "-g", "daemon off;" })
            start.ArgumentList.Add(argument);
        var nginx = new LoggingNginx(directory, Process.Start(start)!, endpoints);
        try
        {
            var clock = Stopwatch.StartNew();
            while (!endpoints.All(ListeningSockets.IsListening))
            {
                if (nginx._process.HasExited) throw new InvalidOperationException($"nginx exited: {await nginx._process.StandardError.ReadToEndAsync()}");
                if (clock.Elapsed > StartTimeout) throw new TimeoutException("nginx did not start listening");
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

    /// <summary>nginx writes its access log when a request ends; wait until it holds this many lines.</summary>
    public async Task<string[]> WaitForLinesAsync(int server, int count) =>
        await Eventually.LinesAsync(AccessLog(server), count);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
