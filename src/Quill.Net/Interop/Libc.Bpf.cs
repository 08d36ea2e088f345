using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>
/// bpf(2), raw: the few commands the sockmap relay needs (create a map, load and attach a program, add and remove a
/// socket or a budget, map a ring buffer), and the socket facts it reads back (the socket cookie, TCP_INFO's byte
/// counters, the unsent queue).
/// </summary>
internal static unsafe partial class Libc
{
    public const int BpfMapTypeHash = 1;
    public const int BpfMapTypeSockHash = 18;
    public const int BpfMapTypeRingBuffer = 27;
    public const int BpfProgTypeSkSkb = 14;
    public const int BpfSkSkbStreamVerdict = 5;

    private const int BpfMapCreate = 0;
    private const int BpfMapUpdateElem = 2;
    private const int BpfMapDeleteElem = 3;
    private const int BpfProgLoad = 5;
    private const int BpfProgAttach = 8;

    /// <summary>union bpf_attr as this kernel's headers size it; the kernel accepts any size whose tail it does not know is zero.</summary>
    private const int BpfAttrSize = 144;

    private const int SoRcvLowAt = 18;
    private const int SoCookie = 57;
    private const int TcpInfoOption = 11;
    private const int TcpInfoSize = 232;
    private const uint SiocOutq = 0x5411;

    private static readonly long BpfSyscall = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        _ => -1,
    };

    /// <summary>A map's descriptor, or -errno.</summary>
    public static int BpfCreateMap(int type, int keySize, int valueSize, int maxEntries)
    {
        var attr = stackalloc byte[BpfAttrSize];
        new Span<byte>(attr, BpfAttrSize).Clear();
        *(uint*)attr = (uint)type;
        *(uint*)(attr + 4) = (uint)keySize;
        *(uint*)(attr + 8) = (uint)valueSize;
        *(uint*)(attr + 12) = (uint)maxEntries;
        return Bpf(BpfMapCreate, attr);
    }

    /// <summary>A program's descriptor, or -errno; <paramref name="verifierLog"/> holds what the verifier said when it refused.</summary>
    public static int BpfLoadProgram(int type, ReadOnlySpan<ulong> instructions, out string verifierLog)
    {
        const int logSize = 16 * 1024;
        var attr = stackalloc byte[BpfAttrSize];
        new Span<byte>(attr, BpfAttrSize).Clear();
        var log = stackalloc byte[logSize];
        log[0] = 0;
        var license = "GPL\0"u8;
        fixed (ulong* code = instructions)
        fixed (byte* licenseText = license)
        {
            *(uint*)attr = (uint)type;
            *(uint*)(attr + 4) = (uint)instructions.Length;
            *(ulong*)(attr + 8) = (ulong)code;
            *(ulong*)(attr + 16) = (ulong)licenseText;
            *(uint*)(attr + 24) = 1;
            *(uint*)(attr + 28) = logSize;
            *(ulong*)(attr + 32) = (ulong)log;
            var fd = Bpf(BpfProgLoad, attr);
            verifierLog = fd >= 0 ? "" : Marshal.PtrToStringUTF8((nint)log) ?? "";
            return fd;
        }
    }

    /// <summary>Attaches a program to a map (sk_skb programs run for every socket in it). 0 or -errno.</summary>
    public static int BpfAttach(int program, int map, int attachType)
    {
        var attr = stackalloc byte[BpfAttrSize];
        new Span<byte>(attr, BpfAttrSize).Clear();
        *(uint*)attr = (uint)map;
        *(uint*)(attr + 4) = (uint)program;
        *(uint*)(attr + 8) = (uint)attachType;
        return Bpf(BpfProgAttach, attr);
    }

    /// <summary>Puts socket <paramref name="socket"/> into a sockhash under <paramref name="key"/>. 0 or -errno.</summary>
    public static int BpfPutSocket(int map, ulong key, int socket)
    {
        var attr = stackalloc byte[BpfAttrSize];
        new Span<byte>(attr, BpfAttrSize).Clear();
        var value = (uint)socket;
        *(uint*)attr = (uint)map;
        *(ulong*)(attr + 8) = (ulong)&key;
        *(ulong*)(attr + 16) = (ulong)&value;
        return Bpf(BpfMapUpdateElem, attr);
    }

    /// <summary>Sets a hash map's 64-bit value under <paramref name="key"/>. 0 or -errno.</summary>
    public static int BpfPut(int map, ulong key, long value)
    {
        var attr = stackalloc byte[BpfAttrSize];
        new Span<byte>(attr, BpfAttrSize).Clear();
        *(uint*)attr = (uint)map;
        *(ulong*)(attr + 8) = (ulong)&key;
        *(ulong*)(attr + 16) = (ulong)&value;
        return Bpf(BpfMapUpdateElem, attr);
    }

    /// <summary>Takes the entry under <paramref name="key"/> out of a map. 0 or -errno.</summary>
    public static int BpfDelete(int map, ulong key)
    {
        var attr = stackalloc byte[BpfAttrSize];
        new Span<byte>(attr, BpfAttrSize).Clear();
        *(uint*)attr = (uint)map;
        *(ulong*)(attr + 8) = (ulong)&key;
        return Bpf(BpfMapDeleteElem, attr);
    }

    /// <summary>SO_COOKIE: the kernel's 64-bit name for a socket, which a BPF program can read too; 0 if unknown.</summary>
    public static ulong SocketCookie(int fd)
    {
        ulong cookie = 0;
        var length = sizeof(ulong);
        return getsockopt(fd, SolSocket, SoCookie, &cookie, &length) == 0 ? cookie : 0;
    }

    /// <summary>
    /// SO_RCVLOWAT set to 1 (the default): TCP then checks whether the socket is readable and, if so, calls its
    /// data-ready hook. Once a socket is in a sockhash that hook is the verdict program: this hands it what arrived
    /// before the socket joined, which it would otherwise see only with the next segment.
    /// </summary>
    public static int NudgeReceiver(int fd) => SetOption(fd, SolSocket, SoRcvLowAt, 1);

    /// <summary>TCP_INFO's byte counters and receive clock; false if the socket would not say.</summary>
    public static bool TcpCounts(int fd, out TcpCounts counts)
    {
        var info = stackalloc byte[TcpInfoSize];
        var length = TcpInfoSize;
        if (getsockopt(fd, IpProtoTcp, TcpInfoOption, info, &length) != 0 || length < 136)
        {
            counts = default;
            return false;
        }
        counts = new TcpCounts(*(ulong*)(info + 120), *(ulong*)(info + 128), *(uint*)(info + 52), *info);
        return true;
    }

    /// <summary>
    /// The peer's FIN has come, asked of the socket itself (poll(2), POLLRDHUP without POLLERR) rather than of an epoll
    /// event still to be fetched. A reset also shuts the socket down, with an error: that is not a FIN.
    /// </summary>
    public static bool FinArrived(int fd)
    {
        var entry = stackalloc int[2];
        entry[0] = fd;
        entry[1] = (int)EpollRdHup;
        if (poll(entry, 1, 0) != 1) return false;
        var returned = (uint)(ushort)(entry[1] >> 16);
        return (returned & EpollRdHup) != 0 && (returned & EpollErr) == 0;
    }

    /// <summary>
    /// The socket's send queue has room (poll(2), POLLOUT). Asked of a TCP socket that has none, this marks it so that
    /// it reports EPOLLOUT once its peer has acknowledged enough.
    /// </summary>
    public static bool Writable(int fd)
    {
        var entry = stackalloc int[2];
        entry[0] = fd;
        entry[1] = (int)EpollOut;
        return poll(entry, 1, 0) == 1 && ((uint)(ushort)(entry[1] >> 16) & EpollOut) != 0;
    }

    /// <summary>SIOCOUTQ: bytes in the send queue not yet acknowledged by the peer; 0 if unknown.</summary>
    public static int UnackedBytes(int fd)
    {
        var queued = 0;
        return ioctl(fd, SiocOutq, &queued) == 0 ? queued : 0;
    }

    /// <summary>mmap(2) of a shared mapping of <paramref name="fd"/>; null on failure.</summary>
    public static byte* MapShared(int fd, long length, long offset, bool writable)
    {
        const int protRead = 1, protWrite = 2, mapShared = 1;
        var address = mmap(null, (nuint)length, protRead | (writable ? protWrite : 0), mapShared, fd, offset);
        return address == (void*)-1 ? null : (byte*)address;
    }

    public static void Unmap(byte* address, long length) => _ = munmap(address, (nuint)length);

    private static int Bpf(int command, byte* attr)
    {
        if (BpfSyscall < 0) return -ENOSYS;
        var result = syscall(BpfSyscall, command, (nint)attr, BpfAttrSize);
        return result >= 0 ? (int)result : -Marshal.GetLastPInvokeError();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, long command, nint attr, long size);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(int* entries, ulong count, int timeoutMs);

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(void* address, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, uint request, int* value);
}

/// <summary>
/// A TCP socket's counters (TCP_INFO). Each byte counter includes a FIN once it was received or acknowledged, and an
/// actively opened socket's <paramref name="BytesAcked"/> starts at 1 (its SYN).
/// </summary>
/// <param name="LastDataReceivedMs">Milliseconds since data last arrived.</param>
/// <param name="State">tcpi_state, read before the counters: a FIN state means they include the FIN; any other state
/// does not rule out a FIN that came between the two readings, nor one that closed the socket (FIN_WAIT2 goes to CLOSE).</param>
internal readonly record struct TcpCounts(ulong BytesAcked, ulong BytesReceived, uint LastDataReceivedMs, byte State)
{
    /// <summary>The peer's FIN had come when the state was read (TIME_WAIT, CLOSE_WAIT, LAST_ACK, CLOSING).</summary>
    public bool FinReceived => State is 6 or 8 or 9 or 11;
}
