using System.Net.Sockets;

namespace Quill.Net.Interop;

/// <summary>The words <see cref="SocketErrorText"/> uses, for the errno values the event loop sees.</summary>
public static class ErrnoText
{
    public static string Describe(int errno) =>
        ToSocketError(errno) is { } error ? SocketErrorText.Describe(error) : $"errno {errno}";

    /// <summary>The SocketError .NET would report for an errno value; null for those the event loop does not tell apart.</summary>
    public static SocketError? ToSocketError(int errno) => errno switch
    {
        Libc.ENOENT => SocketError.AddressNotAvailable, // no such unix socket
        Libc.EACCES => SocketError.AccessDenied,
        Libc.EAFNOSUPPORT => SocketError.AddressFamilyNotSupported,
        Libc.EADDRINUSE => SocketError.AddressAlreadyInUse,
        Libc.EADDRNOTAVAIL => SocketError.AddressNotAvailable,
        Libc.ENETUNREACH => SocketError.NetworkUnreachable,
        Libc.ECONNRESET => SocketError.ConnectionReset,
        Libc.ETIMEDOUT => SocketError.TimedOut,
        Libc.ECONNREFUSED => SocketError.ConnectionRefused,
        Libc.EHOSTUNREACH => SocketError.HostUnreachable,
        Libc.EMFILE or Libc.ENFILE => SocketError.TooManyOpenSockets,
        Libc.ENOBUFS or Libc.ENOMEM => SocketError.NoBufferSpaceAvailable,
        _ => null,
    };
}
