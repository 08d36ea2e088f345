using Quill.Net.Connections;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Quill.Core.Configuration;
using Quill.Net.Forwarding;
using Quill.Net.Tls;

namespace Quill.Net.Tests.Tls;

public sealed class TlsForwarderTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    private TlsOptions Options => new() { CertificateFile = _certificates.CertificateFile, KeyFile = _certificates.KeyFile };

    /// <summary>client ⇄ (quill's accepted side → forwarder → quill's upstream side) ⇄ server, over loopback.</summary>
    private static async Task<(Socket Client, Socket Server, ValueTask<ForwardResult> Forward, List<string> Failures)> OpenAsync(
        TlsTermination tls, IClientStreamFilter? filter = null, ConnectionLifetime? lifetime = null)
    {
        var (client, accepted) = await Loopback.ConnectedPairAsync();
        var (upstream, server) = await Loopback.ConnectedPairAsync();
        var failures = new List<string>();
        var forward = TlsForwarder.ForwardAsync(accepted, upstream, tls, CancellationToken.None, filter, failures.Add, lifetime);
        return (client, server, forward, failures);
    }

    private async Task<SslStream> HandshakeAsync(Socket client, X509Certificate2? clientCertificate = null, string host = "localhost",
        X509Certificate2? expected = null)
    {
        var ssl = new SslStream(new NetworkStream(client, ownsSocket: true));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString() == (expected ?? _certificates.Server).GetCertHashString(),
        }).WaitAsync(Loopback.Timeout);
        return ssl;
    }

    [Fact]
    public async Task ForwardAsync_SniPath_EachNameGetsItsCertificateReloadedWhenChanged()
    {
        var sni = Directory.CreateDirectory(Path.Combine(_certificates.Directory, "sni")).FullName;
        var a = _certificates.IssueFiles(sni, "a.test");
        var b = _certificates.IssueFiles(sni, "b.test");
        var tls = TlsTermination.Load(Options with { SniDirectory = sni });

        async Task ServedAsync(string host, X509Certificate2 expected)
        {
            var (client, server, forward, failures) = await OpenAsync(tls);
            using (server)
            {
                await using var ssl = await HandshakeAsync(client, host: host, expected: expected);
                Assert.Empty(failures);
            }
            await forward.AsTask().WaitAsync(Loopback.Timeout);
        }

        await ServedAsync("a.test", a);
        await ServedAsync("B.Test", b);
        await ServedAsync("other.test", _certificates.Server);
        await ServedAsync("localhost", _certificates.Server);

        // Back-dated first, so the renewal changes the time even on a file system with coarse timestamps.
        File.SetLastWriteTimeUtc(Path.Combine(sni, "a.test.crt"), DateTime.UtcNow.AddMinutes(-5));
        var renewed = _certificates.IssueFiles(sni, "a.test");
        await ServedAsync("a.test", renewed);
    }

    [Fact]
    public async Task ForwardAsync_BothWays_PlainAtTheServerAndEofReachesTheClient()
    {
        var (client, server, forward, _) = await OpenAsync(TlsTermination.Load(Options));
        await using var ssl = await HandshakeAsync(client);
        using var _ = server;

        await ssl.WriteAsync("ping over tls"u8.ToArray());
        var atServer = new byte[13];
        await server.ReceiveAsync(atServer).WaitAsync(Loopback.Timeout);
        await Loopback.SendAllAsync(server, "pong in plain"u8.ToArray(), shutdown: true);
        var reply = new MemoryStream();
        await ssl.CopyToAsync(reply).WaitAsync(Loopback.Timeout);
        ssl.Close();

        Assert.Equal("ping over tls", Encoding.ASCII.GetString(atServer));
        Assert.Equal("pong in plain", Encoding.ASCII.GetString(reply.ToArray()));
        Assert.Equal(new ForwardResult(13, 13, Clean: true), await forward.AsTask().WaitAsync(Loopback.Timeout));
    }

    [Fact]
    public async Task ForwardAsync_IdleTimeout_ClosesAQuietTlsConnection()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var (client, server, forward, _) = await OpenAsync(TlsTermination.Load(Options),
            lifetime: new ConnectionLifetime(TimeSpan.FromSeconds(10)) { Time = time });
        await using var ssl = await HandshakeAsync(client);
        using var _ = server;

        await ssl.WriteAsync("x"u8.ToArray());
        Assert.Equal(1, await server.ReceiveAsync(new byte[1]).WaitAsync(Loopback.Timeout));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(forward.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.False((await forward.AsTask().WaitAsync(Loopback.Timeout)).Clean);
        // Closed: an EOF or, as the forwarder disposes a socket with a receive pending, a reset.
        var ended = await Record.ExceptionAsync(async () => Assert.Equal(0, await server.ReceiveAsync(new byte[1]).WaitAsync(Loopback.Timeout)));
        Assert.True(ended is null or SocketException, ended?.ToString());
    }

    [Fact]
    public async Task ForwardAsync_NotTls_ClosesThisClientAndItsServerOnly()
    {
        var (client, server, forward, failures) = await OpenAsync(TlsTermination.Load(Options));
        using var __ = client;
        using var _ = server;

        await client.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        var result = await forward.AsTask().WaitAsync(Loopback.Timeout);

        Assert.False(result.Clean);
        Assert.Single(failures);
        Assert.Empty(await Loopback.ReadToEndAsync(server));
    }

    [Fact]
    public async Task ForwardAsync_ClientCertificateRequired_OnlyACertificateFromTheCaGetsThrough()
    {
        var tls = TlsTermination.Load(Options with { RequireClientCertificate = true, CaFile = _certificates.CaFile });

        var (client, server, forward, _) = await OpenAsync(tls);
        await using (var ssl = await HandshakeAsync(client, _certificates.Client))
        {
            await ssl.WriteAsync("x"u8.ToArray());
            var one = new byte[1];
            Assert.Equal(1, await server.ReceiveAsync(one).WaitAsync(Loopback.Timeout));
        }
        server.Dispose();
        await forward.AsTask().WaitAsync(Loopback.Timeout);

        var (anonymous, server2, refused, failures) = await OpenAsync(tls);
        using var _ = server2;
        Assert.True(await TurnedAwayAsync(anonymous, null));
        Assert.Empty(await Loopback.ReadToEndAsync(server2));
        Assert.False((await refused.AsTask().WaitAsync(Loopback.Timeout)).Clean);
        Assert.Single(failures);
    }

    [Fact]
    public async Task ForwardAsync_ClientCertificateFromAnotherCa_IsRefused()
    {
        using var other = new TestCertificates();
        var tls = TlsTermination.Load(Options with { RequireClientCertificate = true, CaFile = _certificates.CaFile });
        var (client, server, forward, failures) = await OpenAsync(tls);
        using var _ = server;

        Assert.True(await TurnedAwayAsync(client, other.Client));
        Assert.Empty(await Loopback.ReadToEndAsync(server));

        Assert.False((await forward.AsTask().WaitAsync(Loopback.Timeout)).Clean);
        Assert.Single(failures);
    }

    /// <summary>With TLS 1.3 the server checks the client's certificate after the client finished its handshake, so
    /// a refused client sees either a failed handshake or the connection closed at its first read.</summary>
    private async Task<bool> TurnedAwayAsync(Socket client, X509Certificate2? certificate)
    {
        try
        {
            await using var ssl = await HandshakeAsync(client, certificate);
            await ssl.WriteAsync("x"u8.ToArray());
            return await ssl.ReadAsync(new byte[1]).AsTask().WaitAsync(Loopback.Timeout) == 0;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return true;
        }
    }

    [Fact]
    public void Load_KeyInsideTheCertificateFile_Works()
    {
        var both = _certificates.Write("both.pem",
            File.ReadAllText(_certificates.CertificateFile) + "\n" + File.ReadAllText(_certificates.KeyFile));

        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, TlsTermination.Load(new TlsOptions { CertificateFile = both }).Protocols);
        Assert.Equal(SslProtocols.Tls13, TlsTermination.Load(Options with { Protocol = "tls1.3" }).Protocols);
    }

    [Fact]
    public void Load_MissingOrWrongFiles_OneLineNamingThem()
    {
        var missing = Assert.Throws<ArgumentException>(() => TlsTermination.Load(new TlsOptions { CertificateFile = "/nonexistent/cert.pem" }));
        var noKey = Assert.Throws<ArgumentException>(() => TlsTermination.Load(new TlsOptions { CertificateFile = _certificates.CertificateFile }));

        Assert.StartsWith("cannot load TLS certificate '/nonexistent/cert.pem' with key '/nonexistent/cert.pem': ", missing.Message);
        Assert.StartsWith($"cannot load TLS certificate '{_certificates.CertificateFile}'", noKey.Message);
        Assert.DoesNotContain('\n', missing.Message + noKey.Message);
    }

    public void Dispose() => _certificates.Dispose();
}
