using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using Quill.Net.Tls;
using Xunit;

namespace Quill.Net.Tests.Tls;

/// <summary>ssl_ciphers is OpenSSL's own language: the suites quill offers are the ones the real <c>openssl ciphers</c>
/// lists for the same string, in the same order.</summary>
public class OpenSslCipherListTests
{
    private static readonly TlsCipherSuite[] AllTls13 =
        [TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_AES_128_GCM_SHA256];

    private static IReadOnlyList<TlsCipherSuite> Expand(string text)
    {
        Assert.True(OpenSslCipherList.TryExpand(text, out var suites, out var error), error);
        return suites;
    }

    [Theory]
    [InlineData("ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA")]
    [InlineData("ECDHE+AESGCM:!aECDSA:!AES128")]
    [InlineData("AES128-SHA:AES256-SHA:+AES128-SHA")]
    [InlineData("HIGH:!aNULL:!MD5:!RC4:!3DES:@STRENGTH")]
    [InlineData("!AES128-SHA:ALL")]
    [InlineData("AES128-SHA NOPE,AES256-SHA")]
    [InlineData(OpenSslCipherList.Intermediate)]
    public void Tls12Words_ExpandAsTheOpensslCommandDoes(string text)
    {
        Assert.Equal(OpensslCiphers(text), Expand(text));
    }

    [Fact]
    public void Names_KeepTheirOrderAfterTheTls13Suites()
    {
        Assert.Equal(
            [.. AllTls13, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA],
            Expand("ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA"));
    }

    [Fact]
    public void Intermediate_IsForwardSecretAeadOnly()
    {
        var tls12 = Expand(OpenSslCipherList.Intermediate).Skip(AllTls13.Length).Select(s => s.ToString()).ToList();

        Assert.Equal(9, tls12.Count);
        Assert.All(tls12, name => Assert.Matches("^TLS_(EC)?DHE_(RSA|ECDSA)_WITH_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)$", name));
    }

    [Fact]
    public void Tls13Names_ReplaceTheTls13Defaults_AndAloneLeaveNoTls12Suite()
    {
        Assert.Equal([TlsCipherSuite.TLS_AES_128_GCM_SHA256], Expand("TLS_AES_128_GCM_SHA256"));
        Assert.Equal(
            [TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256],
            Expand("TLS_CHACHA20_POLY1305_SHA256:ECDHE-RSA-AES128-GCM-SHA256"));
    }

    [Fact]
    public void RemovedSuite_IsBackWithALaterWord_ButBannedOneIsNot()
    {
        Assert.DoesNotContain(TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, Expand("!AES128-SHA:ALL"));
        Assert.Contains(TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, Expand("-AES128-SHA:ALL"));
    }

    [Theory]
    [InlineData("NOPE", "OpenSSL refuses 'NOPE': no cipher match")]
    [InlineData("RC4-SHA:!ALL", "OpenSSL refuses 'RC4-SHA:!ALL': no cipher match")]
    [InlineData("TLS_NOPE", "OpenSSL refuses TLS 1.3 suites 'TLS_NOPE': no cipher match")]
    [InlineData(": ,", "no cipher in ': ,'")]
    public void Refused_WithOneLineSayingWhy(string text, string expected)
    {
        Assert.False(OpenSslCipherList.TryExpand(text, out _, out var error));
        Assert.Equal(expected, error);
        Assert.Equal(expected, OpenSslCipherList.Refusal(text));
    }

    /// <summary>The suites <c>openssl ciphers -V</c> lists (IANA numbers as "0x13,0x02"), TLS 1.3 first.</summary>
    private static List<TlsCipherSuite> OpensslCiphers(string text)
    {
        var start = new ProcessStartInfo("openssl", ["ciphers", "-V", text]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var openssl = Process.Start(start)!;
        var output = openssl.StandardOutput.ReadToEnd();
        Assert.True(openssl.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, openssl.ExitCode);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim()[..9]).Select(id =>
            (TlsCipherSuite)(byte.Parse(id[2..4], NumberStyles.HexNumber) << 8 | byte.Parse(id[7..9], NumberStyles.HexNumber)))];
    }
}
