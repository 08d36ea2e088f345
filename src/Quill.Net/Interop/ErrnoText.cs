using System.Net.Sockets;

namespace Quill.Net.Interop;

/// <summary>The words <see cref="SocketErrorText"/> uses, for the errno values the event loop sees.</summary>
public static class ErrnoText
{
    public static string Describe(int errno) => errno switch
    {
        Libc.ENOENT => SocketErrorText.Describe(SocketError.AddressNotAvailable), // no such unix socket
        Libc.EACCES => SocketErrorText.Describe(SocketError.AccessDenied),
        Libc.EAFNOSUPPORT => SocketErrorText.Describe(SocketError.AddressFamilyNotSupported),
        Libc.EADDRINUSE => SocketErrorText.Describe(SocketError.AddressAlreadyInUse),
        Libc.EADDRNOTAVAIL => SocketErrorText.Describe(SocketError.AddressNotAvailable),
        Libc.ENETUNREACH => SocketErrorText.Describe(SocketError.NetworkUnreachable),
        Libc.ECONNRESET => SocketErrorText.Describe(SocketError.ConnectionReset),
        Libc.ETIMEDOUT => SocketErrorText.Describe(SocketError.TimedOut),
        Libc.ECONNREFUSED => SocketErrorText.Describe(SocketError.ConnectionRefused),
        Libc.EHOSTUNREACH => SocketErrorText.Describe(SocketError.HostUnreachable),
        Libc.EMFILE => SocketErrorText.Describe(SocketError.TooManyOpenSockets),
        Libc.ENFILE => SocketErrorText.Describe(SocketError.TooManyOpenSockets),
        Libc.ENOBUFS or Libc.ENOMEM => SocketErrorText.Describe(SocketError.NoBufferSpaceAvailable),
        _ => $"errno {errno}",
    };
}
