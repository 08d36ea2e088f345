using System.Diagnostics;
using static Quill.EndToEnd.Tests.Harness.IpCommand;
using System.Text;
using Quill.EndToEnd.Tests.Connections;

namespace Quill.EndToEnd.Tests.Peers;

/// <summary>
/// One LAN in network namespaces made for one test: a bridge (in a namespace of its own) and a veth pair from it to
/// each host: balancers lb1 10.78.0.11 and lb2 10.78.0.12, backends be1 10.78.0.21 and be2 10.78.0.22, and a client
/// 10.78.0.31 that also owns 10.78.1.1-10.78.1.<see cref="ClientSources"/>, so it can connect from many addresses.
/// The range exists only inside these namespaces. Disposing kills every process started in them and deletes them,
/// which removes the links and addresses.
/// </summary>
internal sealed class HaNetwork : IDisposable
{
    public const string Keepalived = "/usr/sbin/keepalived";
    public const string Python = "/usr/bin/python3";
    public const string VirtualAddress = "10.78.0.100";
    public const int ClientSources = 100;

    private static int _count;
    private readonly string _tag = $"{Environment.ProcessId % 10000}h{Interlocked.Increment(ref _count)}";
    private readonly List<string> _made = [];
    private readonly List<(Process Process, StringBuilder Output)> _started = [];

    private HaNetwork()
    {
    }

    public string Bridge => $"qhbr{_tag}";
    public string Lb1 => $"qhl1{_tag}";
    public string Lb2 => $"qhl2{_tag}";
    public string Be1 => $"qhb1{_tag}";
    public string Be2 => $"qhb2{_tag}";
    public string Client => $"qhc{_tag}";

    public static string Address(string role) => role switch
    {
        "lb1" => "10.78.0.11",
        "lb2" => "10.78.0.12",
        "be1" => "10.78.0.21",
        "be2" => "10.78.0.22",
        _ => "10.78.0.31",
    };

    public static string Source(int i) => $"10.78.1.{i}";

    /// <summary>Null when the test can run here; otherwise why not.</summary>
    public static string? Unavailable() =>
        TransparentNetwork.Unavailable()
        ?? (File.Exists(Keepalived) ? null : $"the VRRP failover test needs {Keepalived} (apt-get install keepalived)")
        ?? (File.Exists(Python) ? null : $"the VRRP failover test needs {Python}");

    public static HaNetwork Create()
    {
        var network = new HaNetwork();
        try
        {
            network.Build();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private void Build()
    {
        Add(Bridge);
        Must(["-n", Bridge, "link", "add", "br0", "type", "bridge"]);
        Must(["-n", Bridge, "link", "set", "br0", "up"]);
        var hosts = new[] { (Lb1, "lb1"), (Lb2, "lb2"), (Be1, "be1"), (Be2, "be2"), (Client, "client") };
        for (var i = 0; i < hosts.Length; i++)
        {
            var (ns, role) = hosts[i];
            Add(ns);
            Must(["link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", $"p{i}", "netns", Bridge]);
            Must(["-n", Bridge, "link", "set", $"p{i}", "master", "br0"]);
            Must(["-n", Bridge, "link", "set", $"p{i}", "up"]);
            Must(["-n", ns, "addr", "add", $"{Address(role)}/16", "dev", "eth0"]);
            Must(["-n", ns, "link", "set", "eth0", "up"]);
        }

        var batch = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(batch, Enumerable.Range(1, ClientSources).Select(i => $"addr add {Source(i)}/16 dev eth0"));
            Must(["-n", Client, "-batch", batch]);
        }
        finally
        {
            File.Delete(batch);
        }
    }

    private void Add(string ns)
    {
        Must(["netns", "add", ns]);
        _made.Add(ns);
        Must(["-n", ns, "link", "set", "lo", "up"]);
    }

    /// <summary>Starts <paramref name="command"/> inside <paramref name="ns"/>; its output is kept for <see cref="OutputOf"/>.</summary>
    public Process Start(string ns, params string[] command)
    {
        var start = new ProcessStartInfo(TransparentNetwork.Ip)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var word in (string[])["netns", "exec", ns, .. command]) start.ArgumentList.Add(word);
        var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        void Keep(string? line)
        {
            if (line is null) return;
            lock (output) output.Append(line).Append('\n');
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_started) _started.Add((process, output));
        return process;
    }

    public string OutputOf(Process process)
    {
        var output = _started.First(s => s.Process == process).Output;
        lock (output) return output.ToString();
    }

    /// <summary>Runs a command in <paramref name="ns"/> to its end (at most 20 s) and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(string ns, params string[] command)
    {
        var process = Start(ns, command);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            return (-1, OutputOf(process) + "(timed out)");
        }

        process.WaitForExit();
        return (process.ExitCode, OutputOf(process));
    }

    /// <summary>Whether <paramref name="ns"/> holds the virtual address now.</summary>
    public bool Holds(string ns) => Run(["-n", ns, "-o", "addr", "show", "dev", "eth0"], out var output) is null
        && output.Contains($" {VirtualAddress}/", StringComparison.Ordinal);

    public void Dispose()
    {
        foreach (var (process, _) in _started)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already reaped.
            }

            process.Dispose();
        }

        foreach (var ns in _made) Run(["netns", "del", ns], out _);
    }
}
