using System.Diagnostics;
using System.Net;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Proxy;

/// <summary>
/// A real nginx that takes the PROXY protocol on its listener (<c>listen ... proxy_protocol</c>, v1 and v2 alike) and
/// logs "$proxy_protocol_addr|$remote_addr|$request" for each request: the address a balancer announced beside the
/// one nginx saw. A connection without a valid header is refused by nginx itself.
/// </summary>
internal sealed class ProxyProtocolNginx : IDisposable
{
    private readonly Process _process;

    private ProxyProtocolNginx(string directory, Process process, int port)
    {
        Directory = directory;
        _process = process;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public string Spec => $"127.0.0.1:{Port}";

    public static async Task<ProxyProtocolNginx> StartAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("quill-e2e-proxy-").FullName;
        var port = FreePorts.Next();
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log;
            events { worker_connections 128; }
            http {
                log_format announced '$proxy_protocol_addr|$remote_addr|$request';
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                server {
                    listen 127.0.0.1:{{port}} proxy_protocol;
                    access_log {{directory}}/access.log announced;
                    location / { default_type text/plain; return 200 "nginx\n"; }
                }
            }

            """);
        var start = new ProcessStartInfo(NginxFixture.Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-p", directory, "-e", Path.Combine(directory, "error.log"), "-c", config, "-g", "daemon off;" })
            start.ArgumentList.Add(argument);
        var nginx = new ProxyProtocolNginx(directory, Process.Start(start)!, port);
        try
        {
            if (!await Eventually.TrueAsync(() => nginx._process.HasExited || ListeningSockets.IsListening(new IPEndPoint(IPAddress.Loopback, port)))
                || nginx._process.HasExited)
                throw new InvalidOperationException($"nginx did not listen: {File.ReadAllText(Path.Combine(directory, "error.log"))}");
            return nginx;
        }
        catch
        {
            nginx.Dispose();
            throw;
        }
    }

    /// <summary>The logged lines once <paramref name="expected"/> are there (nginx logs just after answering), split at '|'.</summary>
    public async Task<string[][]> LoggedAsync(int expected) =>
        (await Eventually.LinesAsync(Path.Combine(Directory, "access.log"), expected)).Select(line => line.Split('|')).ToArray();

    public string ErrorLog => File.ReadAllText(Path.Combine(Directory, "error.log"));

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
