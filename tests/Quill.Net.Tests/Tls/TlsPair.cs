using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Quill.Net.Tests.Tls;

/// <summary>A TLS client and server over a loopback pair, handshaken; the client trusts any certificate.</summary>
internal sealed class TlsPair : IDisposable
{
    private TlsPair(Socket clientSocket, SslStream client, SslStream server) =>
        (ClientSocket, Client, Server) = (clientSocket, client, server);

    public Socket ClientSocket { get; }

    public SslStream Client { get; }

    public SslStream Server { get; }

    public static async Task<TlsPair> HandshakeAsync(X509Certificate2 certificate)
    {
        var (clientSocket, serverSocket) = await Loopback.ConnectedPairAsync();
        var pair = new TlsPair(clientSocket, new SslStream(new NetworkStream(clientSocket, ownsSocket: true)),
            new SslStream(new NetworkStream(serverSocket, ownsSocket: true)));
        await Task.WhenAll(
            pair.Server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }),
            pair.Client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            })).WaitAsync(Loopback.Timeout);
        return pair;
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
