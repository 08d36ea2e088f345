using System.Net.Sockets;
using Quill.Net.Interop;

namespace Quill.Net.Connections;

/// <summary>
/// Why a connect failed, as the debug log words it ("connection refused", "timed out"...). <see cref="IsLocal"/>: the
/// failure is quill's own (out of descriptors or kernel memory before the server was even asked), which says nothing
/// about the server, so it is not blacklisted for it.
/// </summary>
public readonly record struct ConnectFailure(string Reason, bool IsLocal = false)
{
    public static ConnectFailure Of(SocketError error) =>
        new(SocketErrorText.Describe(error), error is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable);

    internal static ConnectFailure OfErrno(int errno) =>
        ErrnoText.ToSocketError(errno) is { } error ? Of(error) : new(ErrnoText.Describe(errno));
}
