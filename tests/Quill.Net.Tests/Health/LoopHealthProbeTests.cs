using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Quill.Core.Health;
using Quill.Net.Health;
using Quill.Net.Tests.Tls;

namespace Quill.Net.Tests.Health;

/// <summary>The checks on the wire against a loopback server that answers each connection as scripted (over TLS when
/// given a certificate), and records what it received and from where.</summary>
public sealed class LoopHealthProbeTests
{
    private sealed class ScriptedServer : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly Task _serving;

        public ScriptedServer(Func<string, string?> answer, X509Certificate2? certificate = null)
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen();
            _serving = ServeAsync(answer, certificate);
        }

        public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;
        public string Received { get; private set; } = "";
        public IPAddress? From { get; private set; }

        private async Task ServeAsync(Func<string, string?> answer, X509Certificate2? certificate)
        {
            using var connection = await _listener.AcceptAsync();
            From = ((IPEndPoint)connection.RemoteEndPoint!).Address;
            Stream stream = new NetworkStream(connection, ownsSocket: false);
            if (certificate is not null)
            {
                var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
                stream = tls;
            }

            var buffer = new byte[4096];
            string? reply = null;
            while (reply is null)
            {
                var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                if (read == 0) return;
                Received += Encoding.ASCII.GetString(buffer, 0, read);
                reply = answer(Received);
            }

            if (reply.Length > 0) await stream.WriteAsync(Encoding.ASCII.GetBytes(reply));
            await stream.FlushAsync();
            connection.Shutdown(SocketShutdown.Send);
            await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }

        public void Dispose()
        {
            _listener.Dispose();
            try
            {
                _serving.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The probe resets its connection, or never spoke: the server's last read fails or times out.
            }
        }
    }

    private static HealthCheck Check(params string[] words) => HealthCheck.Parse(words, out _)!;

    /// <summary>One check on a probe's own loop, as the check loop starts it; also says which thread reported it.</summary>
    private static async Task<(CheckOutcome Outcome, string? Thread)> ProbeOnLoopAsync(EndPoint target, HealthCheck check, bool tls = false,
        IPAddress? source = null, int timeoutMs = 5000)
    {
        var errors = new List<Exception>();
        using var probe = new LoopHealthProbe(errors.Add, TimeProvider.System);
        probe.Start();
        var result = new TaskCompletionSource<(CheckOutcome, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        probe.Post(() => probe.Start(new CheckTarget(target, check, tls, source), TimeSpan.FromMilliseconds(timeoutMs),
            outcome => result.TrySetResult((outcome, Thread.CurrentThread.Name))));
        var reported = await result.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(errors);
        return reported;
    }

    private static async Task<CheckOutcome> ProbeAsync(EndPoint target, HealthCheck check, bool tls = false, IPAddress? source = null,
        int timeoutMs = 5000) => (await ProbeOnLoopAsync(target, check, tls, source, timeoutMs)).Outcome;

    private static string? HttpAnswer(string received, string status) =>
        received.Contains("\r\n\r\n", StringComparison.Ordinal) ? $"HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n" : null;

    [Fact]
    public async Task Tcp_ClosedPort_FailsAsRefused()
    {
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)closed.LocalEndPoint!).Port;
        closed.Dispose();

        Assert.Equal("fail:refused", (await ProbeAsync(new IPEndPoint(IPAddress.Loopback, port), Check("tcp"))).Result);
    }

    [Fact]
    public async Task Http_SendsGetWithHost_AndFromTheSourceAddress()
    {
        using var server = new ScriptedServer(r => HttpAnswer(r, "200 OK"));

        var outcome = await ProbeAsync(server.EndPoint, Check("http", "/health"), source: IPAddress.Parse("127.0.0.9"));

        Assert.Equal("ok", outcome.Result);
        Assert.StartsWith($"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{server.EndPoint.Port}\r\n", server.Received, StringComparison.Ordinal);
        Assert.Equal(IPAddress.Parse("127.0.0.9"), server.From);
    }

    [Theory]
    [InlineData("503 Service Unavailable", "http /health", "fail:status=503")]
    [InlineData("301 Moved", "http /health", "ok")]
    [InlineData("301 Moved", "http /health 200", "fail:status=301")]
    [InlineData("204 No Content", "http /health 200-204", "ok")]
    public async Task Http_StatusDecides(string status, string check, string result)
    {
        using var server = new ScriptedServer(r => HttpAnswer(r, status));

        Assert.Equal(result, (await ProbeAsync(server.EndPoint, Check(check.Split(' ')))).Result);
    }

    [Fact]
    public async Task Http_NotHttp_FailsAsReply()
    {
        using var server = new ScriptedServer(_ => "SSH-2.0-OpenSSH\r\n");

        Assert.Equal("fail:reply", (await ProbeAsync(server.EndPoint, Check("http", "/"))).Result);
    }

    [Theory]
    [InlineData("+PONG\r\n", "ok")]
    [InlineData("-ERR unknown\r\n", "fail:reply")]
    [InlineData("+PO", "fail:closed")]
    public async Task SendExpect_ComparesTheReplyPrefix(string reply, string result)
    {
        using var server = new ScriptedServer(r => r.EndsWith("\r\n", StringComparison.Ordinal) ? reply : null);

        Assert.Equal(result, (await ProbeAsync(server.EndPoint, Check("send", "PING\\r\\n", "expect", "+PONG"))).Result);
        Assert.Equal("PING\r\n", server.Received);
    }

    [Fact]
    public async Task Tls_HttpInsideTls_Passes_ReportedOnTheHealthLoop_AndATlsCheckOfAPlainServerFails()
    {
        using var certificates = new TestCertificates();
        using var certificate = X509Certificate2.CreateFromPemFile(certificates.CertificateFile, certificates.KeyFile);
        using var tls = new ScriptedServer(r => HttpAnswer(r, "200 OK"), certificate);
        using var plain = new ScriptedServer(r => HttpAnswer(r, "200 OK"));

        Assert.Equal((CheckOutcome.Pass, "quill health"), await ProbeOnLoopAsync(tls.EndPoint, Check("http", "/"), tls: true));
        Assert.StartsWith("GET / HTTP/1.1\r\n", tls.Received, StringComparison.Ordinal);
        Assert.False((await ProbeAsync(plain.EndPoint, Check("http", "/"), tls: true)).Passed);
    }

    [Fact]
    public async Task Plain_RunsAndReportsOnTheHealthLoop()
    {
        using var server = new ScriptedServer(r => HttpAnswer(r, "200 OK"));

        Assert.Equal((CheckOutcome.Pass, "quill health"), await ProbeOnLoopAsync(server.EndPoint, Check("http", "/")));
    }

    [Fact]
    public async Task AServerThatAcceptsButNeverAnswers_FailsAsTimeout()
    {
        // Connections complete in the listen backlog; nothing ever reads or answers them.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var outcome = await ProbeAsync(silent.LocalEndPoint!, Check("send", "PING\\r\\n", "expect", "+PONG"), timeoutMs: 300);

        Assert.Equal("fail:timeout", outcome.Result);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(20));
    }
}
