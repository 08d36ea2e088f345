using System.Net.Sockets;

namespace Quill.Net;

/// <summary>Short lower-case words for socket errors, for one-line messages such as "cannot listen on 127.0.0.1:80: address already in use".</summary>
public static class SocketErrorText
{
    public static string Describe(SocketError error) => error switch
    {
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.AddressNotAvailable => "address not available",
        SocketError.AccessDenied => "permission denied",
        SocketError.ConnectionRefused => "refused",
        SocketError.TimedOut => "timed out",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.ConnectionReset => "connection reset",
        SocketError.TooManyOpenSockets => "too many open files",
        SocketError.AddressFamilyNotSupported => "address family not supported",
        _ => error.ToString(),
    };
}
