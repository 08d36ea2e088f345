using System.Net.Security;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>One client connection of a stress campaign: its stream (plain, or TLS over the socket) and its half-close.</summary>
internal sealed class StressClient(Socket socket, Stream stream) : IAsyncDisposable
{
    public Stream Stream => stream;

    /// <summary>Ends the client's direction only: close_notify first under TLS, then the TCP (or unix) half-close.</summary>
    public async ValueTask HalfCloseAsync()
    {
        // The client may be reading at this moment, and SslStream.ShutdownAsync alone would race that read.
        if (stream is SslStream ssl)
            await TlsCloseNotify.SendAsync(ssl).ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);
    }

    public ValueTask DisposeAsync() => stream.DisposeAsync();
}
