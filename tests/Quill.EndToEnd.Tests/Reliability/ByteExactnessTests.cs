using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Tls;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// Byte-exactness under stress (issue 12): many connections with log-uniform random sizes each way, random write and
/// read sizes and pauses, and half-closes from either side first, through quill on each transport; every byte is
/// checked by SHA-256 at both ends. The default suite runs a short campaign; tests/reliability/stress.sh runs 10,000
/// connections of up to 16 MiB through the same test (sizes from QUILL_STRESS_* variables, see StressSettings).
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class ByteExactnessTests(CertificateFixture certificates, ITestOutputHelper output) : IClassFixture<CertificateFixture>
{
    [Theory]
    [InlineData(StressTransport.Tcp)]
    [InlineData(StressTransport.TcpSockmap)]
    [InlineData(StressTransport.HttpFilterNonHttp)]
    [InlineData(StressTransport.Tls)]
    [InlineData(StressTransport.Tls12)]
    [InlineData(StressTransport.Unix)]
    public async Task RandomExchanges_EveryByteArrivesExactly(StressTransport transport)
    {
        var settings = StressSettings.FromEnvironment();
        using var rig = await StressRig.StartAsync(transport, certificates.Set);

        var (tally, duration) = await StressCampaign.RunAsync(rig, settings);

        var row = tally.Row(transport.ToString(), duration);
        output.WriteLine(row);
        foreach (var problem in tally.Problems)
            output.WriteLine(problem);
        if (settings.ReportFile is { } report)
            await File.AppendAllTextAsync(report, row + "\n");
        Assert.False(rig.Balancer.HasExited, $"quill exited: {rig.Balancer.StandardError}");
        Assert.Equal(settings.Connections, tally.Count(ExchangeVerdict.Exact));
        Assert.Empty(tally.Problems);
    }
}
