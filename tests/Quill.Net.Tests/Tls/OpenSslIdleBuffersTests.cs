using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Quill.Net.Tls;

namespace Quill.Net.Tests.Tls;

public sealed class OpenSslIdleBuffersTests
{
    [Fact]
    public async Task AfterTheHandshake_BuffersAreReleasedWhenIdle_AndRecordsStillFlowBothWays()
    {
        using var certificates = new TestCertificates();
        using var certificate = X509Certificate2.CreateFromPemFile(certificates.CertificateFile, certificates.KeyFile);
        using var pair = await TlsPair.HandshakeAsync(certificate);
        var (client, server) = (pair.Client, pair.Server);

        // Fails first if a runtime moves the handle: then idle TLS clients cost 10 KiB more again.
        Assert.True(OpenSslIdleBuffers.Release(server), "the OpenSSL handle is no longer where OpenSslIdleBuffers looks");

        // Each round starts idle (buffers freed) and spans several 16 KiB records each way.
        var request = RandomBytes(40_000, seed: 1);
        var reply = RandomBytes(70_000, seed: 2);
        for (var round = 0; round < 3; round++)
        {
            await client.WriteAsync(request).AsTask().WaitAsync(Loopback.Timeout);
            Assert.Equal(request, await ReadExactlyAsync(server, request.Length));
            await server.WriteAsync(reply).AsTask().WaitAsync(Loopback.Timeout);
            Assert.Equal(reply, await ReadExactlyAsync(client, reply.Length));
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(SslStream stream, int length)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Loopback.Timeout);
        return buffer;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
