using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Quill.Net.Tls;

namespace Quill.Net.Tests.Tls;

public sealed class TlsCloseNotifyTests
{
    private const int Rounds = 100;
    private const int UploadLength = 512 * 1024;

    [Fact]
    public void StreamLock_IsFoundOnThisRuntime()
    {
        // Fails first if a runtime renames the lock: then the close_notify races the reads again.
        Assert.True(TlsCloseNotify.IsSerialized, "SslStream's _handshakeLock is no longer where TlsCloseNotify looks");
    }

    /// <summary>
    /// Quill's half-close of a TLS client: the server's end arrives while the client's upload is being decrypted on
    /// another thread, with idle buffers released as quill runs. The byte-exactness stress test found one upload in
    /// 10,000 corrupted this way; here every round sends the close_notify in the middle of an upload of small records.
    /// </summary>
    [Fact]
    public async Task CloseNotify_WhileTheClientUploads_EveryUploadedByteArrives()
    {
        using var certificates = new TestCertificates();
        using var certificate = X509Certificate2.CreateFromPemFile(certificates.CertificateFile, certificates.KeyFile);

        var failures = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var problem = await UploadWithCloseNotifyAsync(certificate, seed: round);
            if (problem is not null)
                failures.Add($"round {round}: {problem}");
        }

        Assert.Empty(failures);
    }

    private static async Task<string?> UploadWithCloseNotifyAsync(X509Certificate2 certificate, int seed)
    {
        using var pair = await TlsPair.HandshakeAsync(certificate);
        var (clientSocket, client, server) = (pair.ClientSocket, pair.Client, pair.Server);
        OpenSslIdleBuffers.Release(server);

        var upload = new byte[UploadLength];
        new Random(seed).NextBytes(upload);
        var sending = SendInSmallRecordsAsync(client, clientSocket, upload, seed);
        try
        {
            var received = await ReceiveWithCloseNotifyAsync(server).WaitAsync(Loopback.Timeout);
            await sending.WaitAsync(Loopback.Timeout);
            return received.AsSpan().SequenceEqual(SHA256.HashData(upload)) ? null : "the upload arrived changed";
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static async Task SendInSmallRecordsAsync(SslStream client, Socket socket, byte[] upload, int seed)
    {
        var sizes = new Random(seed);
        for (var offset = 0; offset < upload.Length;)
        {
            var size = Math.Min(sizes.Next(1, 2048), upload.Length - offset);
            await client.WriteAsync(upload.AsMemory(offset, size));
            offset += size;
        }
        await client.ShutdownAsync();
        socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Reads the upload to its end as quill's copier does; once a quarter has come, the close_notify goes out.</summary>
    private static async Task<byte[]> ReceiveWithCloseNotifyAsync(SslStream server)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[32 * 1024];
        long received = 0;
        Task? closeNotify = null;
        while (true)
        {
            var read = await server.ReadAsync(buffer);
            if (read == 0)
                break;
            hash.AppendData(buffer, 0, read);
            received += read;
            if (closeNotify is null && received >= UploadLength / 4)
                closeNotify = Task.Run(() => TlsCloseNotify.SendAsync(server));
        }
        if (closeNotify is not null)
            await closeNotify;
        return hash.GetHashAndReset();
    }
}
