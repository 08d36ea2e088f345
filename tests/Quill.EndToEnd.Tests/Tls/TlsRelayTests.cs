using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Tls;

/// <summary>
/// What the TLS relay on the event loop can get wrong: large transfers both ways with half-close, the three ways a
/// client ends (close_notify, a plain FIN, a reset), a client that does not read, and key updates and session
/// resumption from openssl s_client. (The handshake deadline is tested on a fake clock, in Quill.Net.Tests.)
/// </summary>
public sealed class TlsRelayTests(CertificateFixture fixture) : IClassFixture<CertificateFixture>
{
    private const int Upload = 24 * 1024 * 1024;
    private const int Download = 32 * 1024 * 1024;

    private async Task<(BalancerProcess Balancer, IPEndPoint Listen)> StartAsync(string backend, params string[] extra)
    {
        var port = FreePorts.Next();
        var listen = ListenAddress.Loopback(port);
        var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen,
            ["-E", fixture.Set.ServerCertificate, "-K", fixture.Set.ServerKey, .. extra], [backend]);
        return (balancer, (IPEndPoint)listen.Endpoint);
    }

    private static async Task<(Socket Socket, SslStream Ssl)> ConnectAsync(EndPoint listen)
    {
        var socket = await LoopbackClient.ConnectAsync(listen);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false, static (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" })
            .WaitAsync(LoopbackClient.OperationTimeout);
        return (socket, ssl);
    }

    /// <summary>The SHA-256 (in hex, so results compare by value) and length of everything until the end.</summary>
    private static async Task<(string Sha256, long Length)> ReadAllAsync(Stream stream)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }
        return (Convert.ToHexString(hash.GetHashAndReset()), length);
    }

    private static (string, long) Digest(byte[] sha256, long length) => (Convert.ToHexString(sha256), length);

    /// <summary>A server that reads the whole request, then answers with <paramref name="answer"/> and closes.</summary>
    private static SocketAcceptor AnswerAfterEof(ChecksumStream answer, TaskCompletionSource<(byte[], long)> received) =>
        new([new IPEndPoint(IPAddress.Loopback, 0)], async (connection, stopping) =>
        {
            received.TrySetResult(await ChecksumStream.ReceiveAsync(connection, stopping));
            await answer.SendAsync(connection, stopping);
        });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UploadThenHalfClose_WithOrWithoutCloseNotify_TheWholeAnswerFollows_ByteExact(bool closeNotify)
    {
        var upload = new ChecksumStream(1, Upload);
        var answer = new ChecksumStream(2, Download);
        var received = new TaskCompletionSource<(byte[], long)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = AnswerAfterEof(answer, received);
        var (balancer, listen) = await StartAsync($"127.0.0.1:{((IPEndPoint)server.LocalEndPoint).Port}");
        using var _ = balancer;
        var (socket, ssl) = await ConnectAsync(listen);
        await using var __ = ssl;

        foreach (var chunk in upload.Chunks()) await ssl.WriteAsync(chunk);
        if (closeNotify) await ssl.ShutdownAsync();
        socket.Shutdown(SocketShutdown.Send);
        var (sha, length) = await ReadAllAsync(ssl).WaitAsync(TimeSpan.FromSeconds(60));

        var (uploaded, uploadLength) = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Digest(upload.Sha256, Upload), Digest(uploaded, uploadLength));
        Assert.Equal(Digest(answer.Sha256, Download), (sha, length));
    }

    [Fact]
    public async Task BothWaysAtOnce_ByteExact()
    {
        var upload = new ChecksumStream(3, Upload);
        using var server = new ChecksumBackend(new ChecksumStream(4, Download));
        var (balancer, listen) = await StartAsync(server.Spec);
        using var _ = balancer;
        var (socket, ssl) = await ConnectAsync(listen);
        await using var __ = ssl;

        var reading = ReadAllAsync(ssl);
        foreach (var chunk in upload.Chunks()) await ssl.WriteAsync(chunk);
        await Reliability.TlsCloseNotify.SendAsync(ssl);
        socket.Shutdown(SocketShutdown.Send);

        Assert.Equal(Digest(server.Outgoing.Sha256, Download), await reading.WaitAsync(TimeSpan.FromSeconds(60)));
        var (uploaded, uploadLength) = await server.Received.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Digest(upload.Sha256, Upload), Digest(uploaded, uploadLength));
    }

    [Fact]
    public async Task ClientReset_TheServerSideEndsAtOnce()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        var (balancer, listen) = await StartAsync($"127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}", "-d");
        using var _ = balancer;
        var (socket, ssl) = await ConnectAsync(listen);
        using var server = await listener.AcceptAsync().WaitAsync(LoopbackClient.OperationTimeout);
        await ssl.WriteAsync("last words"u8.ToArray());
        var atServer = new byte[10];
        Assert.Equal(10, await server.ReceiveAsync(atServer).WaitAsync(LoopbackClient.OperationTimeout));

        socket.LingerState = new LingerOption(true, 0);
        socket.Close();

        // A half-close would leave the server's side open until it ended it itself; it has not.
        Assert.True(await LoopbackClient.IsClosedWithinAsync(server, TimeSpan.FromSeconds(5)));
        Assert.DoesNotContain("TLS handshake with client", balancer.StandardError);
        Assert.False(balancer.HasExited);
    }

    [Fact]
    public async Task ClientThatDoesNotRead_QuillHoldsBackInsteadOfBuffering_ThenAllArrives()
    {
        const int offered = 96 * 1024 * 1024;
        using var server = new ChecksumBackend(new ChecksumStream(5, offered));
        var (balancer, listen) = await StartAsync(server.Spec);
        using var _ = balancer;
        var (socket, ssl) = await ConnectAsync(listen);
        await using var __ = ssl;
        Assert.Equal(1, await ssl.ReadAsync(new byte[1]));
        var before = balancer.Status.ResidentKilobytes;

        // The server pushes while the client reads nothing: only the kernel's socket buffers fill.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var stalled = balancer.Status.ResidentKilobytes;
        var (_, rest) = await ReadAllAsync(ssl).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(stalled - before < 16 * 1024, $"quill grew by {stalled - before} kB while its client did not read");
        Assert.Equal(offered - 1, rest);
        socket.Dispose();
    }

    [Fact]
    public async Task KeyUpdateMidStream_BothWaysGoOn()
    {
        using var server = new EchoBackend();
        var (balancer, listen) = await StartAsync(server.Spec);
        using var _ = balancer;

        // s_client's "K" line sends a KeyUpdate that asks quill to update its keys too; "k" one that does not.
        var start = new ProcessStartInfo(OpenSsl.Executable) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "s_client", "-connect", $"127.0.0.1:{listen.Port}", "-tls1_3" }) start.ArgumentList.Add(argument);
        using var client = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        // The echoes come on standard output, s_client's KEYUPDATE on standard error.
        client.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        client.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        client.BeginOutputReadLine();
        client.BeginErrorReadLine();
        Task<bool> SeenAsync(string line, int count) => Eventually.TrueAsync(() =>
        {
            lock (output) return output.ToString().Split('\n').Count(l => l == line) >= count;
        });
        try
        {
            // s_client takes each read of its input as one line: the next is written once the last was acted on.
            var updates = 0;
            foreach (var line in new[] { "before", "K", "between", "k", "after" })
            {
                await client.StandardInput.WriteLineAsync(line);
                await client.StandardInput.FlushAsync();
                Assert.True(await SeenAsync(line.Length > 1 ? line : "KEYUPDATE", line.Length > 1 ? 1 : ++updates), line);
            }
        }
        finally
        {
            client.StandardInput.Close();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.WaitForExitAsync(deadline.Token);
        }

        Assert.False(balancer.HasExited);
    }

    [Fact]
    public async Task Reconnect_SessionsAreResumed()
    {
        using var server = new EchoBackend();
        var (balancer, listen) = await StartAsync(server.Spec);
        using var _ = balancer;

        // TLS 1.2: s_client -reconnect drops each TLS 1.3 connection before the session tickets arrive.
        var (exit, output) = await OpenSsl.RunAsync("", "s_client", "-connect", $"127.0.0.1:{listen.Port}", "-reconnect", "-tls1_2");

        Assert.Equal(0, exit);
        Assert.Equal(5, output.Split('\n').Count(l => l.StartsWith("Reused, TLSv1.2", StringComparison.Ordinal)));
    }
}
