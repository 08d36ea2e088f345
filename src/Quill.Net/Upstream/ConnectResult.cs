using System.Net.Sockets;

namespace Quill.Net.Upstream;

/// <summary>A connected backend socket, or why the connect failed (the caller blacklists and fails over).</summary>
/// <param name="Socket">The connected socket; null on failure.</param>
/// <param name="Error">The failure: <see cref="SocketError.TimedOut"/> when the timeout expired, else the socket error; Success when connected.</param>
public readonly record struct ConnectResult(Socket? Socket, SocketError Error)
{
    public bool Connected => Socket is not null;

    public bool TimedOut => Error == SocketError.TimedOut;

    /// <summary>"refused", "timed out", "host unreachable", ... for debug messages.</summary>
    public string Reason => SocketErrorText.Describe(Error);
}
