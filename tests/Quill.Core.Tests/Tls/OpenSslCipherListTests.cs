using System.Net.Security;
using System.Security.Authentication;
using Quill.Core.Tls;
using Xunit;

namespace Quill.Core.Tests.Tls;

public class OpenSslCipherListTests
{
    private static readonly TlsCipherSuite[] AllTls13 =
        [TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_AES_128_GCM_SHA256];

    private static IReadOnlyList<TlsCipherSuite> Parse(string text)
    {
        Assert.True(OpenSslCipherList.TryParse(text, out var suites, out var error), error);
        return suites;
    }

    [Fact]
    public void Names_KeepTheirOrderAfterTheTls13Suites()
    {
        Assert.Equal(
            [.. AllTls13, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA],
            Parse("ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA"));
    }

    [Fact]
    public void Intermediate_IsForwardSecretAeadOnly()
    {
        var tls12 = Parse(OpenSslCipherList.Intermediate).Skip(AllTls13.Length).Select(s => s.ToString()).ToList();

        Assert.Equal(9, tls12.Count);
        Assert.All(tls12, name => Assert.Matches("^TLS_(EC)?DHE_(RSA|ECDSA)_WITH_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)$", name));
    }

    [Fact]
    public void Tls13Names_ReplaceTheTls13Defaults()
    {
        Assert.Equal([TlsCipherSuite.TLS_AES_128_GCM_SHA256], Parse("TLS_AES_128_GCM_SHA256"));
    }

    [Fact]
    public void Intersection_AndExclusions_AreApplied()
    {
        var suites = Parse("ECDHE+AESGCM:!aECDSA:!AES128");

        Assert.Equal([.. AllTls13, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384], suites);
    }

    [Fact]
    public void BannedSuite_IsNotAddedBackLater_ButRemovedOneIs()
    {
        Assert.DoesNotContain(TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, Parse("!AES128-SHA:ALL"));
        Assert.Contains(TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, Parse("-AES128-SHA:ALL"));
    }

    [Fact]
    public void Plus_MovesToTheEnd()
    {
        var suites = Parse("AES128-SHA:AES256-SHA:+AES128-SHA");

        Assert.Equal([TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA, TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA], suites.Skip(3));
    }

    [Fact]
    public void CommonOperatorString_KeepsOnlyStrongSuites()
    {
        var suites = Parse("HIGH:!aNULL:!MD5:!RC4:!3DES:@STRENGTH");

        Assert.Equal(3 + 23, suites.Count);
    }

    [Theory]
    [InlineData("AES128-SHA:NOPE", "unknown cipher 'NOPE' in 'AES128-SHA:NOPE'")]
    [InlineData("RC4-SHA", "unknown cipher 'RC4-SHA' in 'RC4-SHA'")]
    [InlineData("aNULL:eNULL", "no cipher matches 'aNULL:eNULL'")]
    public void Refused_WithOneLineNamingTheValue(string text, string expected)
    {
        Assert.False(OpenSslCipherList.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void NoTls12_LeavesTls13()
    {
        Assert.Equal(SslProtocols.Tls13, SslOptionWords.Restrict(SslProtocols.Tls12 | SslProtocols.Tls13, SslOptions.NoTls12));
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13,
            SslOptionWords.Restrict(SslProtocols.Tls12 | SslProtocols.Tls13, SslOptions.NoSslV2 | SslOptions.NoTls1 | SslOptions.NoTls11));
    }
}
