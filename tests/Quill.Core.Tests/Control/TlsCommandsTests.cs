using Quill.Core.Tls;
using Xunit;

namespace Quill.Core.Tests.Control;

public class TlsCommandsTests
{
    [Fact]
    public void SslCiphers_IsKeptAndNoArgumentClearsIt()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run("ssl_ciphers HIGH:!aNULL:!MD5"));
        Assert.Equal("HIGH:!aNULL:!MD5", fixture.Settings.SslCiphers);
        Assert.Equal("", fixture.Run("ssl_ciphers"));
        Assert.Null(fixture.Settings.SslCiphers);
    }

    [Fact]
    public void SslCiphers_RefusedByTheTlsLibraryChangesNothing()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("ssl_ciphers AES128-SHA");

        Assert.Equal("ssl_ciphers: OpenSSL refuses 'RC4:3DES': no cipher match\n", fixture.Refuse($"ssl_ciphers {FakeRuntime.RefusedCiphers}"));
        Assert.Equal("AES128-SHA", fixture.Settings.SslCiphers);
    }

    [Fact]
    public void SslOption_AddsUp()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run("ssl_option no_sslv3"));
        Assert.Equal("", fixture.Run("ssl_option no_tlsv1.2"));
        Assert.Equal(SslOptions.NoSslV3 | SslOptions.NoTls12, fixture.Settings.SslOptions);
    }

    [Theory]
    [InlineData("ssl_option", "ssl_option: expected no_sslv2, no_sslv3, no_tlsv1, no_tlsv1.1, no_tlsv1.2, cipher_server_preference, not ''\n")]
    [InlineData("ssl_option no_tlsv1.3", "ssl_option: expected no_sslv2, no_sslv3, no_tlsv1, no_tlsv1.1, no_tlsv1.2, cipher_server_preference, not 'no_tlsv1.3'\n")]
    [InlineData("ssl_option no_sslv2 no_sslv3", "ssl_option: unexpected argument 'no_sslv3'\n")]
    [InlineData("ssl_client_renegotiation_interval x", "ssl_client_renegotiation_interval: invalid number 'x'\n")]
    public void BadArgument_IsRefused(string command, string reply)
    {
        Assert.Equal(reply, new DispatcherFixture().Refuse(command));
    }

    [Fact]
    public void OcspResponse_ExtraArgument_IsRefusedAndChangesNothing()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("ssl_ocsp_response /etc/quill/old.der");

        Assert.Equal("ssl_ocsp_response: unexpected argument 'b'\n", fixture.Refuse("ssl_ocsp_response a b"));
        Assert.Equal("/etc/quill/old.der", fixture.Settings.OcspResponseFile);
    }

    [Fact]
    public void RenegotiationInterval_DefaultsToAnHourAndIsKept()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("3600\n", fixture.Run("ssl_client_renegotiation_interval"));
        Assert.Equal("", fixture.Run("ssl_client_renegotiation_interval 10"));
        Assert.Equal("10\n", fixture.Run("ssl_client_renegotiation_interval"));
    }
}
