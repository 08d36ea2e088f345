using System.Diagnostics;
using System.Globalization;
using System.Net;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Http;

/// <summary>
/// A real nginx as HTTP backends that record what they received: each logs every request as
/// "remote|request line|X-Forwarded-For|X-Forwarded-Proto|nginx connection number" and stores PUT bodies under /upload/ (WebDAV), so a
/// test can compare them byte for byte; /slow/NAME sends an uploaded file back at 64 KB/s, so that an answer is still on
/// its way when the test acts. Other paths answer with the backend's name.
/// </summary>
internal sealed class RecordingNginx : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private readonly Process _process;

    private RecordingNginx(string directory, Process process, int[] ports, string[] names)
    {
        Directory = directory;
        _process = process;
        Ports = ports;
        Names = names;
    }

    public string Directory { get; }
    public IReadOnlyList<int> Ports { get; }
    public IReadOnlyList<string> Names { get; }
    public IEnumerable<string> Specs => Ports.Select(port => $"127.0.0.1:{port}");

    public static async Task<RecordingNginx> StartAsync(params string[] names)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("quill-e2e-xff-").FullName;
        var ports = names.Select(_ => FreePorts.Next()).ToArray();
        foreach (var name in names) System.IO.Directory.CreateDirectory(Path.Combine(directory, name, "upload"));
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, Config(directory, ports, names));

        var start = new ProcessStartInfo(NginxFixture.Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-p", directory, "-e", Path.Combine(directory, "error.log"), "-c", config, "-g", "daemon off;" })
            start.ArgumentList.Add(argument);
        var nginx = new RecordingNginx(directory, Process.Start(start)!, ports, names);
        try
        {
            var clock = Stopwatch.StartNew();
            while (!ports.All(port => ListeningSockets.IsListening(new IPEndPoint(IPAddress.Loopback, port))))
            {
                if (nginx._process.HasExited)
                    throw new InvalidOperationException($"nginx exited: {await nginx._process.StandardError.ReadToEndAsync()}");
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

    /// <summary>The requests backend <paramref name="name"/> logged, once at least <paramref name="expected"/> are there
    /// (nginx logs just after answering); fails after a bounded wait.</summary>
    public async Task<LoggedRequest[]> RequestsAsync(string name, int expected)
    {
        var log = Path.Combine(Directory, $"{name}.log");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var lines = File.Exists(log) ? await File.ReadAllLinesAsync(log) : [];
            if (lines.Length >= expected || clock.Elapsed > TimeSpan.FromSeconds(10))
                return lines.Select(LoggedRequest.Parse).ToArray();
            await Task.Delay(20);
        }
    }

    public byte[] Uploaded(string name, string file) => File.ReadAllBytes(Path.Combine(Directory, name, "upload", file));

    private static string Config(string directory, int[] ports, string[] names)
    {
        var servers = string.Concat(ports.Zip(names, (port, name) => string.Create(CultureInfo.InvariantCulture,
            $$"""
                server {
                    listen 127.0.0.1:{{port}};
                    access_log {{directory}}/{{name}}.log forwarded;
                    root {{directory}}/{{name}};
                    location /upload/ { dav_methods PUT; client_max_body_size 64m; }
                    location /slow/ { alias {{directory}}/{{name}}/upload/; limit_rate 64k; }
                    location / { default_type text/plain; return 200 "{{name}}\n"; }
                }

            """)));
        return $$"""
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log;
            events { worker_connections 128; }
            http {
                log_format forwarded '$remote_addr|$request|$http_x_forwarded_for|$http_x_forwarded_proto|$connection';
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                keepalive_requests 1000;
            {{servers}}
            }

            """;
    }

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

/// <summary>One line of <see cref="RecordingNginx"/>'s log; nginx writes "-" for a missing header.</summary>
internal sealed record LoggedRequest(string Remote, string RequestLine, string ForwardedFor, string ForwardedProto, string Connection)
{
    public static LoggedRequest Parse(string line)
    {
        var parts = line.Split('|');
        return new LoggedRequest(parts[0], parts[1], parts[2], parts[3], parts[4]);
    }
}
