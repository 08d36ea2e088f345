using System.Buffers.Binary;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

public sealed class HashTests
{
    private const int ServerCount = 3;
    private static readonly int[] SourceBytes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    /// <summary>pen's hash on x86: the address bytes read as a little-endian integer, modulo the server count.</summary>
    private static string ExpectedServer(int lastByte)
    {
        var address = BinaryPrimitives.ReadUInt32LittleEndian(LoopbackClient.Source(lastByte).GetAddressBytes());
        return NamedBackends.NameOf((int)(address % ServerCount));
    }

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task Hash_MapsEachSourceAddressLikePen(BalancerKind kind)
    {
        var decisions = await RecordHashDecisionsAsync(kind);

        Assert.Equal(SourceBytes.Select(ExpectedServer), decisions);
    }

    /// <summary>The same clients against the real pen and against quill, in one test: the decisions must be equal.</summary>
    [PenFact]
    public async Task Hash_QuillDecidesAsPenDoes()
    {
        var pen = await RecordHashDecisionsAsync(BalancerKind.Pen);
        var quill = await RecordHashDecisionsAsync(BalancerKind.Quill);

        Assert.Equal(pen, quill);
        Assert.True(pen.Distinct().Count() > 1, $"the addresses should spread over the servers: {string.Join(", ", pen)}");
    }

    private static async Task<List<string>> RecordHashDecisionsAsync(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(ServerCount);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, ["-h"], servers.Specs);

        var decisions = new List<string>();
        foreach (var lastByte in SourceBytes)
            decisions.Add(await LoopbackClient.AskAsync(listen.Endpoint, LoopbackClient.Source(lastByte)));
        return decisions;
    }
}
