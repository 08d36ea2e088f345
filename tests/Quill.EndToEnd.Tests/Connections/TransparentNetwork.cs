using System.Diagnostics;
using static Quill.EndToEnd.Tests.Harness.IpCommand;

namespace Quill.EndToEnd.Tests.Connections;

/// <summary>
/// Three network namespaces made for one test, joined by veth pairs on a private range that exists only inside
/// them: client 10.77.1.2 - 10.77.1.1 balancer 10.77.2.1 - 10.77.2.2 server. The server routes back through the
/// balancer, whose namespace delivers everything coming from the server side locally, as transparent proxying
/// needs. Deleting the namespaces removes the links and every address.
/// </summary>
internal sealed class TransparentNetwork : IDisposable
{
    public const string ClientAddress = "10.77.1.2";
    public const string BalancerClientSide = "10.77.1.1";
    public const string BalancerServerSide = "10.77.2.1";
    public const string ServerAddress = "10.77.2.2";
    public const string Ip = "/usr/sbin/ip";

    private static int _count;
    private readonly string _tag = $"{Environment.ProcessId % 100000}x{Interlocked.Increment(ref _count)}";
    private readonly List<string> _made = [];

    private TransparentNetwork()
    {
    }

    public string Client => $"qc{_tag}";
    public string Balancer => $"qb{_tag}";
    public string Server => $"qs{_tag}";

    /// <summary>Probed once per test process: every [NamespaceTheory] and [HaFact] is built at discovery and again at
    /// run time, some at the same moment. Probed each time, two probes raced on the one probe name and one saw "File
    /// exists", so a theory found skipped (no data rows) was then run without its arguments ("expected 3 parameter
    /// values, but 0").</summary>
    private static readonly Lazy<string?> Probe = new(ProbeNamespaces);

    /// <summary>Null when namespaces can be made here (root, iproute2); otherwise why not.</summary>
    public static string? Unavailable() => Probe.Value;

    private static string? ProbeNamespaces()
    {
        if (!Environment.IsPrivilegedProcess) return "network namespaces need root; the tests do not run as root";
        if (!File.Exists(Ip)) return $"network namespaces need {Ip} (apt-get install iproute2)";
        var probe = $"qprobe{Environment.ProcessId}";
        if (Run(["netns", "add", probe]) is { } error) return $"cannot create a network namespace: {error}";
        Run(["netns", "del", probe]);
        return null;
    }

    public static TransparentNetwork Create()
    {
        var network = new TransparentNetwork();
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
        foreach (var ns in new[] { Client, Balancer, Server })
        {
            Must(["netns", "add", ns]);
            _made.Add(ns);
            Must(["-n", ns, "link", "set", "lo", "up"]);
        }
        Link($"c{_tag}", Client, ClientAddress, $"b{_tag}", BalancerClientSide);
        Link($"s{_tag}", Server, ServerAddress, $"d{_tag}", BalancerServerSide);
        Must(["-n", Client, "route", "add", "default", "via", BalancerClientSide]);
        Must(["-n", Server, "route", "add", "default", "via", BalancerServerSide]);
        // Replies from the server are addressed to the client: deliver them to the balancer's transparent sockets.
        Must(["-n", Balancer, "rule", "add", "iif", $"d{_tag}", "lookup", "100"]);
        Must(["-n", Balancer, "route", "add", "local", "0.0.0.0/0", "dev", "lo", "table", "100"]);
    }

    /// <summary>A veth pair: one end in <paramref name="ns"/>, the other in the balancer's namespace.</summary>
    private void Link(string end, string ns, string address, string balancerEnd, string balancerAddress)
    {
        Must(["link", "add", end, "netns", ns, "type", "veth", "peer", "name", balancerEnd, "netns", Balancer]);
        Must(["-n", ns, "addr", "add", $"{address}/24", "dev", end]);
        Must(["-n", ns, "link", "set", end, "up"]);
        Must(["-n", Balancer, "addr", "add", $"{balancerAddress}/24", "dev", balancerEnd]);
        Must(["-n", Balancer, "link", "set", balancerEnd, "up"]);
    }

    /// <summary>Starts <paramref name="command"/> inside namespace <paramref name="ns"/>.</summary>
    public static Process Start(string ns, IEnumerable<string> command)
    {
        var start = new ProcessStartInfo(Ip)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var word in (string[])["netns", "exec", ns, .. command]) start.ArgumentList.Add(word);
        return Process.Start(start)!;
    }

    public void Dispose()
    {
        foreach (var ns in _made) Run(["netns", "del", ns]);
    }
}
