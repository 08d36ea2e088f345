using System.Buffers.Binary;
using System.Net.Sockets;
using Quill.Net.Interop;

namespace Quill.Net.Takeover;

/// <summary>
/// The unix socket (SOCK_SEQPACKET) between a running quill and the one taking over from it: whole messages, each
/// with the descriptors it carries (SCM_RIGHTS). A message larger than one packet goes as several, the first
/// starting with the total length and carrying the descriptors, so message and descriptors never come apart.
/// Blocking, with a timeout on each call: both ends run it on a thread of its own.
/// </summary>
public sealed class TakeoverChannel : IDisposable
{
    private const int PacketSize = 32 * 1024;
    private const int MaxMessage = 64 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly int _fd;

    /// <param name="socket">A connected SOCK_SEQPACKET unix socket; the channel owns it.</param>
    public TakeoverChannel(Socket socket, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        socket.ReceiveTimeout = socket.SendTimeout = (int)timeout.TotalMilliseconds;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        Libc.MakeBlocking(_fd);
    }

    /// <summary>Connects to the takeover socket of the running quill.</summary>
    /// <exception cref="SocketException">No quill listens there.</exception>
    public static TakeoverChannel Connect(string path, TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return new TakeoverChannel(socket, timeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one message; the descriptors stay open here (the peer gets duplicates).</summary>
    /// <exception cref="IOException">The peer is gone or does not read in time.</exception>
    public void Send(ReadOnlySpan<byte> message, ReadOnlySpan<int> fds)
    {
        if (fds.Length > Libc.MaxDescriptorsPerMessage) throw new ArgumentException("too many descriptors for one message", nameof(fds));
        var first = new byte[Math.Min(PacketSize, message.Length + 4)];
        BinaryPrimitives.WriteInt32LittleEndian(first, message.Length);
        var inFirst = first.Length - 4;
        message[..inFirst].CopyTo(first.AsSpan(4));
        SendPacket(first, fds);
        for (var offset = inFirst; offset < message.Length; offset += PacketSize)
            SendPacket(message.Slice(offset, Math.Min(PacketSize, message.Length - offset)), []);
    }

    /// <summary>Receives one message and the descriptors that came with it (now this process's, close-on-exec).</summary>
    /// <exception cref="IOException">The peer closed, failed or went silent past the timeout.</exception>
    public (byte[] Message, int[] Fds) Receive()
    {
        var packet = new byte[PacketSize];
        var fds = new List<int>();
        var got = ReceivePacket(packet, fds);
        if (got < 4) throw new IOException("takeover: short message");
        var length = BinaryPrimitives.ReadInt32LittleEndian(packet);
        if (length is < 0 or > MaxMessage) throw new IOException($"takeover: bad message length {length}");
        var message = new byte[length];
        var filled = got - 4;
        packet.AsSpan(4, filled).CopyTo(message);
        while (filled < length)
        {
            got = ReceivePacket(packet, fds);
            if (got > length - filled) throw new IOException("takeover: message longer than announced");
            packet.AsSpan(0, got).CopyTo(message.AsSpan(filled));
            filled += got;
        }
        return (message, [.. fds]);
    }

    public void Dispose() => _socket.Dispose();

    private void SendPacket(ReadOnlySpan<byte> packet, ReadOnlySpan<int> fds)
    {
        var sent = Libc.SendWithDescriptors(_fd, packet, fds);
        if (sent < 0) throw new IOException($"takeover: send failed: {ErrnoText.Describe((int)-sent)}");
    }

    private int ReceivePacket(byte[] packet, List<int> fds)
    {
        var got = Libc.ReceiveWithDescriptors(_fd, packet, fds);
        if (got < 0) throw new IOException($"takeover: receive failed: {ErrnoText.Describe((int)-got)}");
        if (got == 0) throw new IOException("takeover: the other quill closed the channel");
        return (int)got;
    }
}
