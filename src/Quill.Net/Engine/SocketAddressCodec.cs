using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.Net.Interop;

namespace Quill.Net.Engine;

/// <summary>Linux sockaddr_in, sockaddr_in6 and sockaddr_un, to and from .NET's end points.</summary>
internal static unsafe class SocketAddressCodec
{
    /// <summary>Room for the largest of the three (sockaddr_un: 2 + 108 bytes).</summary>
    public const int MaxLength = 112;

    /// <summary>sun_path's size: a unix socket path and its terminator.</summary>
    private const int UnixPathSize = 108;

    /// <summary>The address family number socket(2) takes for <paramref name="endPoint"/>.</summary>
    public static int FamilyOf(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetwork } => Libc.AfInet,
        IPEndPoint => Libc.AfInet6,
        _ => Libc.AfUnix,
    };

    /// <summary>Writes <paramref name="endPoint"/> as a sockaddr; returns its length, or 0 for an unsupported end point.</summary>
    public static int Encode(EndPoint endPoint, byte* target)
    {
        var span = new Span<byte>(target, MaxLength);
        span.Clear();
        switch (endPoint)
        {
            case IPEndPoint { AddressFamily: AddressFamily.InterNetwork } v4:
                BinaryPrimitives.WriteUInt16LittleEndian(span, Libc.AfInet);
                BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)v4.Port);
                v4.Address.TryWriteBytes(span[4..8], out _);
                return 16;
            case IPEndPoint v6:
                BinaryPrimitives.WriteUInt16LittleEndian(span, Libc.AfInet6);
                BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)v6.Port);
                v6.Address.TryWriteBytes(span[8..24], out _);
                BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)v6.Address.ScopeId);
                return 28;
            case UnixDomainSocketEndPoint unix:
                var path = unix.ToString();
                var length = Encoding.UTF8.GetByteCount(path);
                if (length + 1 > UnixPathSize) return 0;
                BinaryPrimitives.WriteUInt16LittleEndian(span, Libc.AfUnix);
                Encoding.UTF8.GetBytes(path, span[2..]);
                return 2 + length + 1;
            default:
                return 0;
        }
    }

    /// <summary>The address a client connected to (getsockname); null for a unix socket or when it cannot be had.</summary>
    public static IPEndPoint? LocalOf(int fd)
    {
        var address = stackalloc byte[MaxLength];
        var length = MaxLength;
        if (fd < 0 || Libc.LocalAddress(fd, address, &length) < 0) return null;
        var (ip, port) = Decode(address, length);
        return ip is null ? null : new IPEndPoint(ip, port);
    }

    /// <summary>The peer of an accepted connection: its address and port, or (null, 0) for a unix client.</summary>
    public static (IPAddress? Address, int Port) Decode(byte* source, int length)
    {
        var span = new ReadOnlySpan<byte>(source, Math.Min(length, MaxLength));
        if (span.Length < 2) return (null, 0);
        var family = BinaryPrimitives.ReadUInt16LittleEndian(span);
        var port = span.Length >= 4 ? BinaryPrimitives.ReadUInt16BigEndian(span[2..]) : 0;
        if (family == Libc.AfInet && span.Length >= 8) return (new IPAddress(span[4..8]), port);
        if (family == Libc.AfInet6 && span.Length >= 28)
            return (new IPAddress(span[8..24], BinaryPrimitives.ReadUInt32LittleEndian(span[24..])), port);
        return (null, 0);
    }
}
