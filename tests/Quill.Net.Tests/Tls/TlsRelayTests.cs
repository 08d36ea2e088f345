using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Quill.Core.Configuration;
using Microsoft.Extensions.Time.Testing;
using Quill.Net.Connections;
using Quill.Net.Tests.Connections;
using Quill.Net.Tests.Engine;
using Quill.Net.Tls;

namespace Quill.Net.Tests.Tls;

public sealed class TlsRelayTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    private TlsOptions Options => new() { CertificateFile = _certificates.CertificateFile, KeyFile = _certificates.KeyFile };

    /// <summary>
    /// client ⇄ (a real event loop relaying with TLS termination) ⇄ server, over loopback, the connection driven by a
    /// real <see cref="ConnectionLifecycle"/>.
    /// </summary>
    private static async Task<Proxied> OpenAsync(
        TlsTermination tls, TimeProvider? time = null, Action<LoopbackServices>? configure = null)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var engine = new EngineFixture(listener.LocalEndPoint!, loops: 1, time) { Tls = tls };
        configure?.Invoke(engine.Servers);
        var client = await engine.ConnectAsync();
        // The server is connected before the handshake, as in pen.
        var server = await listener.AcceptAsync().WaitAsync(Loopback.Timeout);
        listener.Dispose();
        return new Proxied(client, server, engine);
    }

    private sealed class Proxied(Socket client, Socket server, EngineFixture engine) : IDisposable
    {
        private Task<bool>? _ended;

        public Socket Client => client;

        public Socket Server => server;

        public LoopbackServices Services => engine.Servers;


        /// <summary>Completes when the connection has ended.</summary>
        public Task Ended => _ended ??= EndedAsync();

        public Traffic Counted => Services.Counted(0);

        /// <summary>The handshake failures the debug log reports.</summary>
        public string[] Failures => [.. Services.Log.Lines.Where(l => l.StartsWith("TLS handshake with client", StringComparison.Ordinal))];

        public void Deconstruct(out Socket client, out Socket server, out Task ended, out LoopbackServices services) =>
            (client, server, ended, services) = (Client, Server, Ended, Services);

        private async Task<bool> EndedAsync() => await engine.WaitClosedAsync() ? true : throw new TimeoutException("the connection did not end");

        public void Dispose()
        {
            client.Dispose();
            server.Dispose();
            engine.Dispose();
        }
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
    public async Task Connection_SniPath_EachNameGetsItsCertificateReloadedWhenChanged()
    {
        var sni = Directory.CreateDirectory(Path.Combine(_certificates.Directory, "sni")).FullName;
        var a = _certificates.IssueFiles(sni, "a.test");
        var b = _certificates.IssueFiles(sni, "b.test");
        var tls = TlsTermination.Load(Options with { SniDirectory = sni });

        async Task ServedAsync(string host, X509Certificate2 expected)
        {
            using var proxied = await OpenAsync(tls);
            using (proxied.Server)
            {
                await using var ssl = await HandshakeAsync(proxied.Client, host: host, expected: expected);
                Assert.Empty(proxied.Failures);
            }
            await proxied.Ended.WaitAsync(Loopback.Timeout);
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
    public async Task Connection_BothWays_PlainAtTheServerAndEofReachesTheClientAsCloseNotify()
    {
        using var proxied = await OpenAsync(TlsTermination.Load(Options));
        var (client, server, ended, services) = proxied;
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
        await ended.WaitAsync(Loopback.Timeout);
        Assert.Equal(new Traffic(13, 13), services.Counted(0));
    }

    [Fact]
    public async Task Connection_ClientResets_EndsTheWholeConnectionNotJustOneDirection()
    {
        using var proxied = await OpenAsync(TlsTermination.Load(Options));
        var (client, server, ended, services) = proxied;
        var ssl = await HandshakeAsync(client);
        using var _ = server;
        await ssl.WriteAsync("last words"u8.ToArray());
        var atServer = new byte[10];
        await server.ReceiveAsync(atServer).WaitAsync(Loopback.Timeout);

        client.LingerState = new LingerOption(true, 0);
        client.Close();

        // A half-close would leave the connection open until the server ended its side; the server has not.
        await ended.WaitAsync(Loopback.Timeout);
        Assert.Equal("last words", Encoding.ASCII.GetString(atServer));
        Assert.Equal(new Traffic(10, 0), services.Counted(0));
        await ssl.DisposeAsync();
    }

    [Fact]
    public async Task Connection_IdleTimeout_ClosesAQuietTlsConnection()
    {
        var time = new FakeTimeProvider();
        using var proxied = await OpenAsync(TlsTermination.Load(Options), time,
            s => s.Settings.IdleTimeoutSeconds = 10);
        var (client, server, forward, _) = proxied;
        await using var ssl = await HandshakeAsync(client);
        using var _ = server;

        await ssl.WriteAsync("x"u8.ToArray());
        Assert.Equal(1, await server.ReceiveAsync(new byte[1]).WaitAsync(Loopback.Timeout));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(forward.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        await forward.WaitAsync(Loopback.Timeout);
        // Closed: an EOF or, as the connection disposes a socket with a receive pending, a reset.
        var ended = await Record.ExceptionAsync(async () => Assert.Equal(0, await server.ReceiveAsync(new byte[1]).WaitAsync(Loopback.Timeout)));
        Assert.True(ended is null or SocketException, ended?.ToString());
    }

    [Fact]
    public async Task Connection_NoHandshakeWithinTheLimit_IsClosedAndCountedAsATimeout()
    {
        var time = new FakeTimeProvider();
        using var proxied = await OpenAsync(TlsTermination.Load(Options), time);

        // A second at a time, with a few of the loop's ticks (each looks at the deadline) after each: the clock starts
        // for the handshake when the loop has seen the server connected, which may be after the first steps.
        var advanced = TimeSpan.Zero;
        for (var step = 0; step < 30 && !proxied.Ended.IsCompleted; step++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            await Task.WhenAny(proxied.Ended, Task.Delay(TimeSpan.FromMilliseconds(200)));
        }

        Assert.True(proxied.Ended.IsCompleted);
        Assert.True(advanced >= TlsTermination.HandshakeTimeout, $"closed after {advanced}");
        Assert.EndsWith("failed: no handshake within the time limit", Assert.Single(proxied.Failures));
        Assert.Empty(await Loopback.ReadToEndAsync(proxied.Server));
    }

    [Fact]
    public async Task Connection_NotTls_ClosesThisClientAndItsServerOnly()
    {
        using var proxied = await OpenAsync(TlsTermination.Load(Options));
        using var __ = proxied.Client;
        using var _ = proxied.Server;

        await proxied.Client.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        await proxied.Ended.WaitAsync(Loopback.Timeout);

        Assert.Single(proxied.Failures);
        Assert.Empty(await Loopback.ReadToEndAsync(proxied.Server));
        Assert.Equal(default, proxied.Counted);
        Assert.Equal(0, proxied.Services.Table[0]!.Connections);
    }

    [Fact]
    public async Task Connection_ClientCertificateRequired_OnlyACertificateFromTheCaGetsThrough()
    {
        var tls = TlsTermination.Load(Options with { RequireClientCertificate = true, CaFile = _certificates.CaFile });

        using var proxied = await OpenAsync(tls);
        var (client, server, forward, _) = proxied;
        await using (var ssl = await HandshakeAsync(client, _certificates.Client))
        {
            await ssl.WriteAsync("x"u8.ToArray());
            var one = new byte[1];
            Assert.Equal(1, await server.ReceiveAsync(one).WaitAsync(Loopback.Timeout));
        }
        server.Dispose();
        await forward.WaitAsync(Loopback.Timeout);

        using var refused = await OpenAsync(tls);
        using var _ = refused.Server;
        Assert.True(await TurnedAwayAsync(refused.Client, null));
        Assert.Empty(await Loopback.ReadToEndAsync(refused.Server));
        await refused.Ended.WaitAsync(Loopback.Timeout);
        Assert.Single(refused.Failures);
    }

    [Fact]
    public async Task Connection_ClientCertificateWithACaDirectory_EveryCertificateFileThereCounts()
    {
        var cas = Directory.CreateDirectory(Path.Combine(_certificates.Directory, "cas")).FullName;
        File.Copy(_certificates.CaFile, Path.Combine(cas, "ours.pem"));
        File.WriteAllText(Path.Combine(cas, "README"), "not a certificate");
        var tls = TlsTermination.Load(Options with { RequireClientCertificate = true, CaDirectory = cas });

        using var proxied = await OpenAsync(tls);
        await using (var ssl = await HandshakeAsync(proxied.Client, _certificates.Client))
        {
            await ssl.WriteAsync("x"u8.ToArray());
            Assert.Equal(1, await proxied.Server.ReceiveAsync(new byte[1]).WaitAsync(Loopback.Timeout));
        }
        Assert.Empty(proxied.Failures);
    }

    [Fact]
    public async Task Connection_ClientCertificateFromAnotherCa_IsRefused()
    {
        using var other = new TestCertificates();
        var tls = TlsTermination.Load(Options with { RequireClientCertificate = true, CaFile = _certificates.CaFile });
        using var refused = await OpenAsync(tls);
        using var _ = refused.Server;

        Assert.True(await TurnedAwayAsync(refused.Client, other.Client));
        Assert.Empty(await Loopback.ReadToEndAsync(refused.Server));

        await refused.Ended.WaitAsync(Loopback.Timeout);
        Assert.Single(refused.Failures);
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
    public async Task Connection_HttpHeaders_TheFilterSeesTheDecryptedStream()
    {
        using var proxied = await OpenAsync(TlsTermination.Load(Options), configure: s =>
        {
            s.Settings.HttpHeaders = true;
            s.Services.Filters = new ForwardedForFilters();
        });
        var (client, server, ended, _) = proxied;
        await using var ssl = await HandshakeAsync(client);
        using var _ = server;

        await ssl.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        await ssl.ShutdownAsync();
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n\r\n",
            Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(server)));
        server.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await ssl.ReadAsync(new byte[1]).AsTask().WaitAsync(Loopback.Timeout));
        await ended.WaitAsync(Loopback.Timeout);
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
