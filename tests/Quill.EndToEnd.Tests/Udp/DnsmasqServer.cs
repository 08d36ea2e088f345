using System.Diagnostics;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Udp;

/// <summary>
/// A real DNS server: dnsmasq as a child process on a loopback UDP port, with no configuration file, no upstream
/// and no hosts file, answering every name under example.test with its own address so a test sees which one
/// answered.
/// </summary>
internal sealed class DnsmasqServer : IDisposable
{
    public const string Executable = "/usr/sbin/dnsmasq";
    private readonly Process _process;

    private DnsmasqServer(Process process, int port, string answer)
    {
        _process = process;
        Port = port;
        Answer = answer;
    }

    public static bool IsInstalled => File.Exists(Executable);

    public int Port { get; }
    public string Answer { get; }
    public string Spec => $"127.0.0.1:{Port}";

    public static async Task<DnsmasqServer> StartAsync(string answer)
    {
        var port = FreePorts.Next();
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
                 {
                     $"--port={port}", "--listen-address=127.0.0.1", "--bind-interfaces", "--no-daemon", "--conf-file=/dev/null",
                     "--no-resolv", "--no-hosts", "--pid-file=", $"--address=/example.test/{answer}",
                 })
            start.ArgumentList.Add(argument);
        var server = new DnsmasqServer(Process.Start(start)!, port, answer);
        try
        {
            await BoundUdpPorts.WaitAsync(port, () => server._process.HasExited, "dnsmasq");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Stops the server: its port then answers with ICMP port unreachable.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }
}
