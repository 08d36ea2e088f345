using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Quill.Net.Interop;

namespace Quill.Net.Tls;

/// <summary>
/// Lets every handshake with one certificate share one OpenSSL SSL_CTX, as nginx and HAProxy do. .NET caches an SSL_CTX
/// per certificate context only for handshakes without a <see cref="CipherSuitesPolicy"/>; quill always chooses its
/// suites (ssl_ciphers, else <see cref="OpenSslCipherList.Intermediate"/>), and with a policy every TLS connection built
/// an SSL_CTX of its own in its handshake and held it while it lived (bench/README.md, "Memory"). So at start-up two
/// handshakes over loopback, without a policy, have .NET make and cache the context (the second proves it is cached:
/// the same SSL_CTX); quill then gives that context its suites with SSL_CTX_set_ciphersuites and SSL_CTX_set_cipher_list,
/// as pen does, and leaves the policy out of the handshakes with that certificate. Where any step fails, or the list
/// has no TLS 1.2 suite (an empty TLS 1.2 list is what only the policy can express), the policy stays.
/// </summary>
internal static class SharedSslContext
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>Primes .NET's cache for <paramref name="certificate"/> and gives the cached context the suites of
    /// <paramref name="cipherList"/>.</summary>
    /// <returns>Whether handshakes with this certificate and protocols may now leave the policy out.</returns>
    public static bool TryPrepare(SslStreamCertificateContext certificate, SslProtocols protocols, string cipherList)
    {
        var (tls13, tls12) = OpenSslCipherList.Lists(cipherList);
        if (!OperatingSystem.IsLinux() || tls12.Length == 0) return false;
        // Both connections stay open until the suites are set: a context that was not cached lives on in the first
        // one's SSL, so the second cannot get its address again, and the context set is never a freed one.
        var open = new List<IDisposable>();
        try
        {
            var first = HandshakeContext(certificate, protocols, open);
            if (first == 0 || HandshakeContext(certificate, protocols, open) != first) return false;
            LibSsl.ErrClearError();
            var set = LibSsl.SslCtxSetCipherSuites(first, tls13) == 1 && LibSsl.SslCtxSetCipherList(first, tls12) == 1;
            LibSsl.ErrClearError();
            return set;
        }
        catch (Exception e) when (e is AggregateException or SocketException or AuthenticationException or IOException or OperationCanceledException
                                      or DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
        finally
        {
            foreach (var item in Enumerable.Reverse(open)) item.Dispose();
        }
    }

    /// <summary>One handshake with this certificate and no policy, over loopback; the SSL_CTX its server side uses.</summary>
    /// <param name="open">Gets the sockets and streams, which the caller closes.</param>
    private static nint HandshakeContext(SslStreamCertificateContext certificate, SslProtocols protocols, List<IDisposable> open)
    {
        using var cancel = new CancellationTokenSource(Limit);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        open.Add(clientSocket);
        clientSocket.Connect(listener.LocalEndPoint!);
        var serverSocket = listener.Accept();
        open.Add(serverSocket);
        var server = new SslStream(new NetworkStream(serverSocket), leaveInnerStreamOpen: false);
        open.Add(server);
        var client = new SslStream(new NetworkStream(clientSocket), leaveInnerStreamOpen: false, static (_, _, _, _) => true);
        open.Add(client);
        var serverSide = server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate,
            EnabledSslProtocols = protocols,
        }, cancel.Token);
        var clientSide = client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "quill",
            EnabledSslProtocols = protocols,
        }, cancel.Token);
        Task.WaitAll([serverSide, clientSide], cancel.Token);
        nint context = 0;
        return OpenSslHandle.TryUse(server, ssl => (context = LibSsl.SslGetSslCtx(ssl)) != 0) ? context : 0;
    }
}
