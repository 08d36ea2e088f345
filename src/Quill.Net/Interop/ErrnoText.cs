using System.Net.Sockets;

namespace Quill.Net.Engine;

/// <summary>The words <see cref="SocketErrorText"/> uses, for the errno values the event loop sees.</summary>
public static class ErrnoText
{
    public static string Describe(int errno) => errno switch
    {
        2 => SocketErrorText.Describe(SocketError.AddressNotAvailable), // ENOENT: no such unix socket
        13 => SocketErrorText.Describe(SocketError.AccessDenied),
        97 => SocketErrorText.Describe(SocketError.AddressFamilyNotSupported),
        98 => SocketErrorText.Describe(SocketError.AddressAlreadyInUse),
        99 => SocketErrorText.Describe(SocketError.AddressNotAvailable),
        101 => SocketErrorText.Describe(SocketError.NetworkUnreachable),
        104 => SocketErrorText.Describe(SocketError.ConnectionReset),
        110 => SocketErrorText.Describe(SocketError.TimedOut),
        111 => SocketErrorText.Describe(SocketError.ConnectionRefused),
        113 => SocketErrorText.Describe(SocketError.HostUnreachable),
        _ => $"errno {errno}",
    };
}
