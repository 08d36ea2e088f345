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

    public static Task<TlsPair> HandshakeAsync(X509Certificate2 certificate) =>
        HandshakeAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, new SslClientAuthenticationOptions());

    /// <summary>A handshake with these options; the client's target host and trust-all callback are filled in.</summary>
    public static async Task<TlsPair> HandshakeAsync(SslServerAuthenticationOptions server, SslClientAuthenticationOptions client)
    {
        var (clientSocket, serverSocket) = await Loopback.ConnectedPairAsync();
        var pair = new TlsPair(clientSocket, new SslStream(new NetworkStream(clientSocket, ownsSocket: true)),
            new SslStream(new NetworkStream(serverSocket, ownsSocket: true)));
        client.TargetHost = "localhost";
        client.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        try
        {
            await Task.WhenAll(pair.Server.AuthenticateAsServerAsync(server), pair.Client.AuthenticateAsClientAsync(client))
                .WaitAsync(Loopback.Timeout);
        }
        catch
        {
            pair.Dispose();
            throw;
        }
        return pair;
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
