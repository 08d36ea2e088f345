using System.Net;
using System.Net.Sockets;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Peers;

/// <summary>
/// Two real quills on loopback sharing their client table (peer, peer_listen, peer_key): what one learns the other
/// knows, a restarted one gets everything again, a cut link heals, and a stranger changes nothing.
/// </summary>
public sealed class PeerSyncTests : IDisposable
{
    private static readonly TimeSpan SyncLimit = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _files = new();
    private readonly NamedBackends _servers = NamedBackends.Start(3);
    private readonly string _key;

    public PeerSyncTests() => _key = PeerQuill.WriteKey(_files, "peer.key", "2f9c0e51d3b8a4476c1e0f2a9b3d5e7f");

    public void Dispose()
    {
        _servers.Dispose();
        _files.Dispose();
    }

    /// <summary>A lists the servers s0, s1, s2; B lists them the other way round, so only addresses can match.</summary>
    private string[] ServersOf(string name) => name == "a" ? _servers.Specs : [.. _servers.Specs.Reverse()];

    private Task<PeerQuill> StartAsync(string name, int peerPort, int sendTo, string? key = null) =>
        PeerQuill.StartAsync(_files, name, key ?? _key, peerPort, sendTo, ServersOf(name));

    private int PortOf(string name) => _servers[int.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture)].Port;

    private static async Task<Dictionary<string, string>> AskAllAsync(PeerQuill quill, IEnumerable<int> sources)
    {
        var answers = new Dictionary<string, string>();
        foreach (var source in sources)
            answers[LoopbackClient.Source(source).ToString()] = await LoopbackClient.AskAsync(quill.Listen, LoopbackClient.Source(source));
        return answers;
    }

    private static async Task<bool> HasAllAsync(PeerQuill quill, Dictionary<string, int> expected)
    {
        var table = await quill.ClientServersAsync();
        return expected.All(entry => table.TryGetValue(entry.Key, out var port) && port == entry.Value);
    }

    /// <summary>A sending to B and B to A, and B already knowing A's clients from sources 10-14.</summary>
    private async Task<(PeerQuill A, PeerQuill B)> StartSyncedPairAsync(int aPort, int bPort)
    {
        var a = await StartAsync("a", aPort, bPort);
        PeerQuill? b = null;
        try
        {
            b = await StartAsync("b", bPort, aPort);
            await AskAllAsync(a, Enumerable.Range(10, 5));
            var before = await a.ClientServersAsync();
            Assert.True(await EventuallyAsync(() => HasAllAsync(b, before)), $"B never learned A's clients; B: {b.StandardError}");
            return (a, b);
        }
        catch
        {
            b?.Dispose();
            a.Dispose();
            throw;
        }
    }

    private static async Task<bool> KnowsAnyAsync(PeerQuill quill, IEnumerable<int> sources)
    {
        var table = await quill.ClientServersAsync();
        return sources.Any(source => table.ContainsKey(LoopbackClient.Source(source).ToString()));
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < SyncLimit)
        {
            if (await condition()) return true;
            await Task.Delay(50);
        }

        return await condition();
    }

    [Fact]
    public async Task AStickyClientOnA_GoesToTheSameServerThroughB()
    {
        var (aPort, bPort) = (FreePorts.Next(), FreePorts.Next());
        using var a = await StartAsync("a", aPort, bPort);
        using var b = await StartAsync("b", bPort, aPort);

        var throughA = await AskAllAsync(a, Enumerable.Range(10, 20));
        var tableA = await a.ClientServersAsync();
        Assert.Equal(20, tableA.Count);
        Assert.True(await EventuallyAsync(() => HasAllAsync(b, tableA)), $"B never learned A's clients; B: {b.StandardError}");

        Assert.Equal(throughA, await AskAllAsync(b, Enumerable.Range(10, 20)));
    }

    [Fact]
    public async Task ARestartedPeer_GetsAFullCopy()
    {
        var (aPort, bPort) = (FreePorts.Next(), FreePorts.Next());
        using var a = await StartAsync("a", aPort, bPort);
        await AskAllAsync(a, Enumerable.Range(10, 10));
        var tableA = await a.ClientServersAsync();
        using (var b = await StartAsync("b", bPort, aPort))
        {
            Assert.True(await EventuallyAsync(() => HasAllAsync(b, tableA)));
        }

        // B's table died with it; A learns more clients meanwhile, then B comes back empty.
        await AskAllAsync(a, Enumerable.Range(20, 10));
        tableA = await a.ClientServersAsync();
        using var restarted = await StartAsync("b", bPort, aPort);

        Assert.True(await EventuallyAsync(() => HasAllAsync(restarted, tableA)),
            $"the restarted B did not get A's whole table; A: {a.StandardError}");
        Assert.Equal(20, (await restarted.ClientServersAsync()).Count);
    }

    [Fact]
    public async Task ACutLink_BothServeOn_AndTheTablesConvergeWhenItIsBack()
    {
        var (aPort, bPort) = (FreePorts.Next(), FreePorts.Next());
        using var toB = new LinkCutter(new IPEndPoint(IPAddress.Loopback, bPort));
        using var toA = new LinkCutter(new IPEndPoint(IPAddress.Loopback, aPort));
        using var a = await StartAsync("a", aPort, toB.Port);
        using var b = await StartAsync("b", bPort, toA.Port);
        await AskAllAsync(a, Enumerable.Range(10, 10));
        var before = await a.ClientServersAsync();
        Assert.True(await EventuallyAsync(() => HasAllAsync(b, before)));

        toB.Cut();
        toA.Cut();
        // Both serve on, each learning clients the other cannot hear of; 40-44 use both, B last (so B's choice is newer).
        await AskAllAsync(a, Enumerable.Range(30, 15));
        var throughB = await AskAllAsync(b, Enumerable.Range(40, 15));
        toB.Restore();
        toA.Restore();

        Assert.True(await EventuallyAsync(async () =>
        {
            var (tableA, tableB) = (await a.ClientServersAsync(), await b.ClientServersAsync());
            return tableA.Count == 35 && tableA.OrderBy(e => e.Key).SequenceEqual(tableB.OrderBy(e => e.Key));
        }), $"tables differ after the link came back; A: {a.StandardError} B: {b.StandardError}");
        var converged = await a.ClientServersAsync();
        foreach (var source in Enumerable.Range(40, 5).Select(s => LoopbackClient.Source(s).ToString()))
            Assert.Equal(PortOf(throughB[source]), converged[source]);
    }

    [Fact]
    public async Task RandomBytesOrAnotherKey_ChangeNothing_AndAreLoggedAndCounted()
    {
        var (bPort, strangerPort) = (FreePorts.Next(), FreePorts.Next());
        using var b = await StartAsync("b", bPort, FreePorts.Next());
        var otherKey = PeerQuill.WriteKey(_files, "other.key", "not the key the pair shares, 32b");
        using var stranger = await StartAsync("a", strangerPort, bPort, otherKey);
        await AskAllAsync(stranger, Enumerable.Range(10, 5));

        using (var garbage = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await garbage.ConnectAsync(new IPEndPoint(IPAddress.Loopback, bPort));
            var hello = new byte[24];
            Assert.Equal(24, await garbage.ReceiveAsync(hello, SocketFlags.None));
            await garbage.SendAsync(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096), SocketFlags.None);
        }

        Assert.True(await Eventually.TrueAsync(() => b.StandardError.Split('\n').Count(l => l.Contains("peer_listen: bad frame from", StringComparison.Ordinal)) >= 2,
            SyncLimit), b.StandardError);
        Assert.Empty(await b.ClientServersAsync());

        b.Balancer.Process.SendSignal(PosixNative.SigUsr1);
        Assert.True(await Eventually.TrueAsync(() => b.StandardError.Contains("peer_frames_bad ", StringComparison.Ordinal)), b.StandardError);
    }

    [Fact]
    public async Task AKeyFileItsGroupOrOthersCanRead_StopsTheStart_OnOneLine()
    {
        var key = PeerQuill.WriteKey(_files, "open.key", "2f9c0e51d3b8a4476c1e0f2a9b3d5e7f",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var config = _files.File("open.cfg");
        await File.WriteAllTextAsync(config, $"peer_key {key}\n");

        using var quill = BalancerProcess.Launch(BalancerKind.Quill, ["-f", "-F", config, $"127.0.0.1:{FreePorts.Next()}", _servers.Specs[0]]);

        Assert.NotEqual(0, await quill.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        var error = Assert.Single(quill.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("peer_key", StringComparison.Ordinal));
        Assert.Contains($"'{key}' is open to its group or others (mode 0644); a key must be readable by its owner only (chmod 600 {key})", error);
    }

    [Fact]
    public async Task Reload_OfAFileWithoutThePeerLine_ClosesThatLink()
    {
        var (aPort, bPort) = (FreePorts.Next(), FreePorts.Next());
        var (first, second) = await StartSyncedPairAsync(aPort, bPort);
        using var a = first;
        using var b = second;

        var file = _files.File("a.cfg");
        await File.WriteAllTextAsync(file, $"peer_key {_key}\npeer_listen 127.0.0.1:{aPort}\n");
        Assert.Equal($"reload: {file} applied\n", await a.Balancer.AskAsync("reload"));
        Assert.Equal("", await a.Balancer.AskAsync("peer"));

        // B still sends to A. Once A has heard of B's new clients, B would long have heard of A's had the link stayed.
        await AskAllAsync(a, Enumerable.Range(20, 5));
        await AskAllAsync(b, Enumerable.Range(30, 5));
        Assert.True(await EventuallyAsync(async () => (await a.ClientServersAsync()).ContainsKey(LoopbackClient.Source(34).ToString())),
            $"B's link to A broke too; B: {b.StandardError}");
        Assert.False(await KnowsAnyAsync(b, Enumerable.Range(20, 5)), $"B heard of A's clients; B: {b.StandardError}");
    }

    [Fact]
    public async Task Reload_WithAnotherKey_ClosesTheConnectionsOfTheOldOne()
    {
        var (aPort, bPort) = (FreePorts.Next(), FreePorts.Next());
        var (first, second) = await StartSyncedPairAsync(aPort, bPort);
        using var a = first;
        using var b = second;

        // Only B changes its key: A's open connection, signed with the old one, must not go on being believed.
        var otherKey = PeerQuill.WriteKey(_files, "other.key", "a key only B knows now, 32 bytes");
        var file = _files.File("b.cfg");
        await File.WriteAllTextAsync(file, $"peer_key {otherKey}\npeer_listen 127.0.0.1:{bPort}\npeer 127.0.0.1:{aPort}\n");
        Assert.Equal($"reload: {file} applied\n", await b.Balancer.AskAsync("reload"));
        Assert.Equal($"{otherKey}\n", await b.Balancer.AskAsync("peer_key"));
        await AskAllAsync(a, Enumerable.Range(20, 5));

        Assert.True(await Eventually.TrueAsync(() => b.StandardError.Contains("peer_listen: bad frame from", StringComparison.Ordinal), SyncLimit),
            $"A's frames under the old key were never refused; B: {b.StandardError}");
        Assert.False(await KnowsAnyAsync(b, Enumerable.Range(20, 5)), $"B heard of A's clients; B: {b.StandardError}");
    }

    [Fact]
    public async Task Reload_WithAnotherPeerListenAndPeer_MovesTheLink()
    {
        var (aPort, bPort, bMoved) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        using var a = await StartAsync("a", aPort, bPort);
        using var b = await StartAsync("b", bPort, aPort);

        var bFile = _files.File("b.cfg");
        await File.WriteAllTextAsync(bFile, $"peer_key {_key}\npeer_listen 127.0.0.1:{bMoved}\npeer 127.0.0.1:{aPort}\n");
        Assert.Equal($"reload: {bFile} applied\n", await b.Balancer.AskAsync("reload"));
        Assert.Equal($"127.0.0.1:{bMoved}\n", await b.Balancer.AskAsync("peer_listen"));
        await b.Balancer.Process.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, bMoved));
        using (var old = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await Assert.ThrowsAsync<SocketException>(() => old.ConnectAsync(new IPEndPoint(IPAddress.Loopback, bPort)));
        }

        var aFile = _files.File("a.cfg");
        await File.WriteAllTextAsync(aFile, $"peer_key {_key}\npeer_listen 127.0.0.1:{aPort}\npeer 127.0.0.1:{bMoved}\n");
        Assert.Equal($"reload: {aFile} applied\n", await a.Balancer.AskAsync("reload"));
        Assert.Equal($"127.0.0.1:{bMoved}\n", await a.Balancer.AskAsync("peer"));
        await AskAllAsync(a, Enumerable.Range(10, 5));
        var tableA = await a.ClientServersAsync();
        Assert.True(await EventuallyAsync(() => HasAllAsync(b, tableA)), $"B never heard of A's clients at its new address; A: {a.StandardError}");
    }

    [Fact]
    public async Task APeerThatHangsUpAtOnce_IsRetriedWithBackoff_WhileForwardingGoesOn()
    {
        using var hangUp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        hangUp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        hangUp.Listen(64);
        var attempts = 0;
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var peer = await hangUp.AcceptAsync(stop.Token);
                Interlocked.Increment(ref attempts);
            }
        });

        using var a = await StartAsync("a", FreePorts.Next(), ((IPEndPoint)hangUp.LocalEndPoint!).Port);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(20, (await AskAllAsync(a, Enumerable.Range(10, 20))).Values.Count(answer => answer.StartsWith('s')));
        if (TimeSpan.FromSeconds(4) - clock.Elapsed is { Ticks: > 0 } left) await Task.Delay(left);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting);

        // 100 ms doubling: tries at about 0, 0.1, 0.3, 0.7, 1.5 and 3.1 s; without backoff there would be 40.
        Assert.InRange(attempts, 2, 8);
        Assert.Contains("retrying", a.StandardError, StringComparison.Ordinal);
    }
}
