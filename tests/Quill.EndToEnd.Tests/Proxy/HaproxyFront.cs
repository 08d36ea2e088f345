using System.Diagnostics;
using System.Net;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Proxy;

/// <summary>
/// A real HAProxy in TCP mode in front of quill, sending the PROXY header (<c>send-proxy</c> or <c>send-proxy-v2</c>)
/// on each connection it makes to quill from <see cref="Source"/>.
/// </summary>
internal sealed class HaproxyFront : IDisposable
{
    public const string Executable = "/usr/sbin/haproxy";

    /// <summary>The address HAProxy connects to quill from; the tests' clients use others.</summary>
    public static readonly IPAddress Source = IPAddress.Parse("127.0.0.3");

    private readonly Process _process;
    private readonly string _directory;

    private HaproxyFront(string directory, Process process, int port)
    {
        _directory = directory;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <param name="sendProxy">"send-proxy" or "send-proxy-v2".</param>
    /// <param name="serverOptions">More words for the server line, such as <c>proxy-v2-options crc32c</c>.</param>
    public static async Task<HaproxyFront> StartAsync(int quillPort, string sendProxy, string serverOptions = "")
    {
        var directory = Directory.CreateTempSubdirectory("quill-e2e-haproxy-").FullName;
        var port = FreePorts.Next();
        var config = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, $$"""
            global
                maxconn 100
            defaults
                mode tcp
                timeout connect 5s
                timeout client 30s
                timeout server 30s
            frontend front
                bind 127.0.0.1:{{port}}
                default_backend quill
            backend quill
                server quill 127.0.0.1:{{quillPort}} {{sendProxy}} {{serverOptions}} source {{Source}}

            """);
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-db", "-f", config }) start.ArgumentList.Add(argument);
        var haproxy = new HaproxyFront(directory, Process.Start(start)!, port);
        try
        {
            if (!await Eventually.TrueAsync(() => haproxy._process.HasExited || ListeningSockets.IsListening(new IPEndPoint(IPAddress.Loopback, port)))
                || haproxy._process.HasExited)
                throw new InvalidOperationException($"haproxy did not listen: {await haproxy._process.StandardError.ReadToEndAsync()}");
            return haproxy;
        }
        catch
        {
            haproxy.Dispose();
            throw;
        }
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
