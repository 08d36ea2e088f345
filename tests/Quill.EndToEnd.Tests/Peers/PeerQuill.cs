using System.Net;
using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Peers;

/// <summary>
/// One quill of a synced pair on loopback: a -F file with peer_key, peer_listen on its own port and peer naming the
/// other's; a control port and a -w page to read its client table through (the status command).
/// </summary>
internal sealed partial class PeerQuill : IDisposable
{
    private PeerQuill(ControlledBalancer balancer, int peerPort)
    {
        Balancer = balancer;
        PeerPort = peerPort;
    }

    public ControlledBalancer Balancer { get; }

    /// <summary>Where this quill's peer_listen takes the other's table.</summary>
    public int PeerPort { get; }

    public EndPoint Listen => Balancer.Listen.Endpoint;

    public string StandardError => Balancer.Process.StandardError;

    /// <param name="sendTo">The port this quill's peer command names (the other quill's peer_listen, or a relay).</param>
    public static async Task<PeerQuill> StartAsync(TempDirectory files, string name, string keyFile, int peerPort, int sendTo,
        string[] servers, params string[] options)
    {
        var config = files.File($"{name}.cfg");
        await File.WriteAllTextAsync(config,
            $"peer_key {keyFile}\npeer_listen 127.0.0.1:{peerPort}\npeer 127.0.0.1:{sendTo}\n");
        var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-F", config, "-w", files.File($"{name}.html"), .. options], servers);
        try
        {
            await balancer.Process.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, peerPort));
            return new PeerQuill(balancer, peerPort);
        }
        catch
        {
            balancer.Dispose();
            throw;
        }
    }

    /// <summary>A key file as docs/ha.md makes it: readable by its owner only (quill refuses any other).</summary>
    public static string WriteKey(TempDirectory files, string name, string key, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = files.File(name);
        File.WriteAllText(path, key + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, mode);
        return path;
    }

    /// <summary>The client table as client address → the port of its server (ports, not indexes: the two quills
    /// list their servers in different orders).</summary>
    public async Task<Dictionary<string, int>> ClientServersAsync()
    {
        var ports = (await Balancer.AskAsync("servers")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(words => words[0], words => int.Parse(words[4], System.Globalization.CultureInfo.InvariantCulture));
        var clients = new Dictionary<string, int>();
        foreach (Match row in ClientRow().Matches(await Balancer.AskAsync("status")))
        {
            if (ports.TryGetValue(row.Groups["server"].Value, out var port)) clients[row.Groups["address"].Value] = port;
        }

        return clients;
    }

    public void Dispose() => Balancer.Dispose();

    // The status page's client rows: slot, address, age, last server, connects, sent, received.
    [GeneratedRegex(@"<tr>\n<td>\d+</td>\n<td>(?<address>[0-9.]+)</td>\n<td>\d+</td>\n<td>(?<server>-?\d+)</td>\n")]
    private static partial Regex ClientRow();
}
