using System.Diagnostics;
using System.Globalization;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Peers;

/// <summary>
/// The setup docs/ha.md describes, for real: two quills sharing their client table, keepalived in each balancer's
/// namespace moving a virtual address by VRRP and asking <c>quillctl ... alive</c> whether its quill can serve;
/// two backends; a client with many addresses. The active quill is killed: within 3 s the standby serves the virtual
/// address (the time is printed with keepalived's state changes), and returning clients reach the backend they had before.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class VrrpFailoverTests(ITestOutputHelper output)
{
    private const int Port = 80;
    private const int BackendPort = 8080;
    private const int PeerPort = 7400;
    private const string Control = "127.0.0.1:9000";
    /// <summary>The issue's bound, from the kill to the standby serving. The setup meets it with a margin on a loaded
    /// machine: the script notices a dead quill within its 1 s interval plus quillctl's start, and the FAULT path has
    /// lb1 resign at once (a priority 0 advertisement) instead of lb2 waiting out three advertisement intervals.</summary>
    private static readonly TimeSpan MoveLimit = TimeSpan.FromSeconds(3);

    private const string Backend = """
        import socket, sys
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((sys.argv[2], int(sys.argv[3]))); s.listen(512)
        while True:
            c, _ = s.accept()
            try: c.sendall((sys.argv[1] + "\n").encode())
            except OSError: pass
            c.close()
        """;

    // One connection from each source address named (by its last number) in turn; prints "source answer" (or "source error:...").
    private const string Clients = """
        import socket, sys
        vip, port = sys.argv[1], int(sys.argv[2])
        for i in sys.argv[3:]:
            source = "10.78.1.%s" % i
            try:
                c = socket.create_connection((vip, port), timeout=3, source_address=(source, 0))
                answer = c.makefile().readline().strip(); c.close()
            except OSError as e:
                answer = "error:" + type(e).__name__
            print(source, answer, flush=True)
        """;

    // Connects every 50 ms for at most the given seconds (the test stops it once the standby answers); prints
    // "unix-time ok|fail", the time an attempt began. A SYN sent to the old holder's hardware address is lost, so the
    // handshake gets 0.3 s; the answer, which a loaded machine may be slow to relay, gets 2 s.
    private const string Probe = """
        import socket, sys, time
        vip, port, end = sys.argv[1], int(sys.argv[2]), time.time() + float(sys.argv[3])
        while time.time() < end:
            t = time.time()
            try:
                c = socket.create_connection((vip, port), timeout=0.3)
                c.settimeout(2)
                ok = c.makefile().readline().strip() != ""; c.close()
            except OSError:
                ok = False
            print("%.3f %s" % (t, "ok" if ok else "fail"), flush=True)
            time.sleep(0.05)
        """;

    [HaFact]
    public async Task KillingTheActiveQuill_MovesTheAddress_AndReturningClientsKeepTheirBackend()
    {
        var clock = Stopwatch.StartNew();
        using var files = new TempDirectory();
        using var network = HaNetwork.Create();
        var key = PeerQuill.WriteKey(files, "peer.key", "9e107d9d372bb6826bd81d3542a419d6");
        network.Start(network.Be1, HaNetwork.Python, "-c", Backend, "be1", HaNetwork.Address("be1"), $"{BackendPort}");
        network.Start(network.Be2, HaNetwork.Python, "-c", Backend, "be2", HaNetwork.Address("be2"), $"{BackendPort}");
        var lb1 = StartQuill(network, files, network.Lb1, "lb1", "lb2", key);
        var lb2 = StartQuill(network, files, network.Lb2, "lb2", "lb1", key);
        foreach (var (ns, quill) in new[] { (network.Lb1, lb1), (network.Lb2, lb2) })
        {
            Assert.True(await Eventually.TrueAsync(() => IsAlive(network, ns), TimeSpan.FromSeconds(20)), $"quill in {ns} never alive: {network.OutputOf(quill)}");
        }

        var keepalived1 = StartKeepalived(network, files, network.Lb1, "lb1", "lb2", priority: 150);
        var keepalived2 = StartKeepalived(network, files, network.Lb2, "lb2", "lb1", priority: 100);

        // Both start as backups; on a loaded machine lb2 may be master for a moment before lb1 takes over.
        Assert.True(await Eventually.TrueAsync(() => network.Holds(network.Lb1) && !network.Holds(network.Lb2), TimeSpan.FromSeconds(20)),
            $"lb1 never took the virtual address; keepalived lb2: {network.OutputOf(keepalived2)}; quill lb1: {network.OutputOf(lb1)}");
        var before = await AskFromEverySourceAsync(network, retries: 3);
        Assert.True(before.Count(a => a.Value is "be1" or "be2") == HaNetwork.ClientSources,
            $"not every client got an answer before the failover; quill lb1: {network.OutputOf(lb1)}; answers: {string.Join(", ", before)}");
        Assert.Contains("be1", before.Values);
        Assert.Contains("be2", before.Values);
        Assert.True(await Eventually.TrueAsync(() => KnownClients(network, network.Lb2) >= HaNetwork.ClientSources, TimeSpan.FromSeconds(20)),
            "lb2's quill never learned lb1's clients");

        var probe = network.Start(network.Client, HaNetwork.Python, "-c", Probe, HaNetwork.VirtualAddress, $"{Port}", "60");
        Assert.True(await Eventually.TrueAsync(() => network.OutputOf(probe).Contains(" ok\n", StringComparison.Ordinal), TimeSpan.FromSeconds(15)),
            $"the probe was never served before the kill: {network.OutputOf(probe)}");
        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        lb1.Kill();
        await lb1.WaitForExitAsync();
        // Only attempts begun once lb1's quill is gone count: one begun earlier may have been served by it.
        var goneAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.True(await Eventually.TrueAsync(() => network.Holds(network.Lb2), TimeSpan.FromSeconds(15)),
            $"the address never moved to lb2; keepalived lb1: {network.OutputOf(keepalived1)}\nkeepalived lb2: {network.OutputOf(keepalived2)}");
        var heldAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        double ServedAgainAt() => network.OutputOf(probe).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(words => words[1] == "ok" && double.Parse(words[0], CultureInfo.InvariantCulture) >= goneAt)
            .Select(words => double.Parse(words[0], CultureInfo.InvariantCulture))
            .DefaultIfEmpty(double.NaN).First();
        await Eventually.TrueAsync(() => !double.IsNaN(ServedAgainAt()), TimeSpan.FromSeconds(10));
        probe.Kill();
        var servedAgainAt = ServedAgainAt();
        var moved = TimeSpan.FromSeconds(servedAgainAt - killedAt);
        output.WriteLine($"new connections succeeded again {moved.TotalMilliseconds:F0} ms after the active quill was killed "
            + $"(it was gone after {(goneAt - killedAt) * 1000:F0} ms, lb2 was seen holding the address after {(heldAt - killedAt) * 1000:F0} ms)");
        foreach (var (name, keepalived) in new[] { ("lb1", keepalived1), ("lb2", keepalived2) })
        {
            foreach (var line in network.OutputOf(keepalived).Split('\n').Where(l => l.Contains("STATE", StringComparison.Ordinal)))
                output.WriteLine($"keepalived {name}: {line}");
        }

        Assert.True(moved <= MoveLimit, $"served again after {moved.TotalMilliseconds:F0} ms (NaN: never); probe: {network.OutputOf(probe)}\n"
            + $"keepalived lb1: {network.OutputOf(keepalived1)}\nkeepalived lb2: {network.OutputOf(keepalived2)}");

        var after = await AskFromEverySourceAsync(network, retries: 0);
        var same = before.Count(entry => after.GetValueOrDefault(entry.Key) == entry.Value);
        output.WriteLine($"{same} of {before.Count} returning clients reached the same backend; the whole test took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(same * 100 >= 99 * before.Count, $"only {same} of {before.Count} returning clients kept their backend: {string.Join(", ", after)}");
    }

    private static Process StartQuill(HaNetwork network, TempDirectory files, string ns, string self, string other, string key)
    {
        var config = files.File($"{self}.cfg");
        File.WriteAllText(config,
            $"peer_key {key}\npeer_listen {HaNetwork.Address(self)}:{PeerPort}\npeer {HaNetwork.Address(other)}:{PeerPort}\n");
        // The two list the backends in different orders: the sync matches them by address.
        string[] backends = self == "lb1"
            ? [$"{HaNetwork.Address("be1")}:{BackendPort}", $"{HaNetwork.Address("be2")}:{BackendPort}"]
            : [$"{HaNetwork.Address("be2")}:{BackendPort}", $"{HaNetwork.Address("be1")}:{BackendPort}"];
        return network.Start(ns, [RepositoryLayout.QuillExecutable, "-f", "-u", "root", "-C", Control, "-F", config, $"0.0.0.0:{Port}", .. backends]);
    }

    private static Process StartKeepalived(HaNetwork network, TempDirectory files, string ns, string self, string other, int priority)
    {
        // docs/ha.md's configuration: the script has no weight, so a failed alive puts the instance in FAULT, and a
        // master entering FAULT resigns with a priority 0 advertisement, which the backup answers by taking over at once.
        var config = files.File($"keepalived-{self}.conf");
        File.WriteAllText(config, $$"""
            global_defs {
                script_user root
                enable_script_security
            }
            vrrp_script quill_alive {
                script "{{Penctl.QuillctlExecutable}} --timeout 2 {{Control}} alive"
                interval 1
                timeout 3
                fall 1
                rise 1
            }
            vrrp_instance quill {
                state BACKUP
                interface eth0
                virtual_router_id 78
                version 3
                priority {{priority}}
                advert_int 0.2
                unicast_src_ip {{HaNetwork.Address(self)}}
                unicast_peer {
                    {{HaNetwork.Address(other)}}
                }
                virtual_ipaddress {
                    {{HaNetwork.VirtualAddress}}/16 dev eth0
                }
                track_script {
                    quill_alive
                }
            }
            """);
        return network.Start(ns, HaNetwork.Keepalived, "--dont-fork", "--log-console", "--vrrp", "--use-file", config,
            "--pid", files.File($"{self}.pid"), "--vrrp_pid", files.File($"{self}-vrrp.pid"), "--checkers_pid", files.File($"{self}-checkers.pid"));
    }

    /// <param name="retries">How many more times a source that got no answer asks again: the first table is a
    /// baseline, which the address settling between the two at start must not spoil; the one after the failover
    /// takes no second try.</param>
    private static async Task<Dictionary<string, string>> AskFromEverySourceAsync(HaNetwork network, int retries)
    {
        var answers = new Dictionary<string, string>();
        var sources = Enumerable.Range(1, HaNetwork.ClientSources).ToList();
        for (var round = 0; round <= retries && sources.Count > 0; round++)
        {
            var (_, text) = await network.RunAsync(network.Client, [HaNetwork.Python, "-c", Clients, HaNetwork.VirtualAddress, $"{Port}",
                .. sources.Select(i => i.ToString(CultureInfo.InvariantCulture))]);
            foreach (var words in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).Where(words => words.Length == 2))
                answers[words[0]] = words[1];
            sources = sources.Where(i => !answers.TryGetValue(HaNetwork.Source(i), out var answer) || answer.StartsWith("error:", StringComparison.Ordinal)).ToList();
        }

        return answers;
    }

    private static bool IsAlive(HaNetwork network, string ns) =>
        network.RunAsync(ns, Penctl.QuillctlExecutable, Control, "alive").GetAwaiter().GetResult().ExitCode == 0;

    /// <summary>Clients the quill in <paramref name="ns"/> remembers (recent), read through quillctl inside the namespace.</summary>
    private static int KnownClients(HaNetwork network, string ns)
    {
        var (exitCode, text) = network.RunAsync(ns, Penctl.QuillctlExecutable, Control, "recent").GetAwaiter().GetResult();
        return exitCode == 0 ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(line => line.Contains(" connects ", StringComparison.Ordinal)) : 0;
    }
}
