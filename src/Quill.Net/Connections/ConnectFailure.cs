using System.Net.Sockets;
using Quill.Net.Interop;

namespace Quill.Net.Connections;

/// <summary>
/// Why a connect failed, as the debug log words it ("connection refused", "timed out"...). <see cref="IsLocal"/>: the
/// failure is quill's own (out of descriptors or kernel memory before the server was even asked), which says nothing
/// about the server, so it is not blacklisted for it. <see cref="OutOfDescriptors"/>: that shortage was descriptors
/// (EMFILE, ENFILE), which accepting more clients would only make worse.
/// </summary>
public readonly record struct ConnectFailure(string Reason, bool IsLocal = false, bool OutOfDescriptors = false)
{
    public static ConnectFailure Of(SocketError error) =>
        new(SocketErrorText.Describe(error), error is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable,
            error is SocketError.TooManyOpenSockets);

    internal static ConnectFailure OfErrno(int errno) =>
        ErrnoText.ToSocketError(errno) is { } error ? Of(error) : new(ErrnoText.Describe(errno));
}
