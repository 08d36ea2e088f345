using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>Passing descriptors between processes over a unix socket (SCM_RIGHTS), for a takeover.</summary>
internal static unsafe partial class Libc
{
    /// <summary>The most descriptors one message may carry (the kernel's SCM_MAX_FD).</summary>
    public const int MaxDescriptorsPerMessage = 253;

    private const int ScmRights = 1;
    private const int MsgCmsgCloexec = 0x40000000;
    private const int MsgCtrunc = 0x8;
    private const int CmsgHeaderSize = 16;

    /// <summary>Sends <paramref name="data"/> (one whole message on a SOCK_SEQPACKET socket) with duplicates of
    /// <paramref name="fds"/> attached. Returns the bytes sent, or -errno.</summary>
    public static long SendWithDescriptors(int socket, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds)
    {
        var controlLength = fds.Length == 0 ? 0 : CmsgSpace(fds.Length * sizeof(int));
        var control = stackalloc byte[Math.Max(controlLength, 1)];
        new Span<byte>(control, Math.Max(controlLength, 1)).Clear();
        if (fds.Length > 0)
        {
            var header = (CmsgHeader*)control;
            header->Length = (nuint)(CmsgHeaderSize + fds.Length * sizeof(int));
            header->Level = SolSocket;
            header->Type = ScmRights;
            fds.CopyTo(new Span<int>(control + CmsgHeaderSize, fds.Length));
        }
        fixed (byte* bytes = data)
        {
            var vector = new IoVector { Base = bytes, Length = (nuint)data.Length };
            var message = new MessageHeader
            {
                Vectors = &vector,
                VectorCount = 1,
                Control = fds.Length == 0 ? null : control,
                ControlLength = (nuint)controlLength,
            };
            while (true)
            {
                var sent = sendmsg(socket, &message, MsgNoSignal);
                if (sent >= 0) return sent;
                var errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR) return -errno;
            }
        }
    }

    /// <summary>Receives one message into <paramref name="buffer"/> and the descriptors that came with it (close-on-exec).
    /// Returns the bytes received (0: the peer closed), or -errno; EMSGSIZE when descriptors were cut off.</summary>
    public static long ReceiveWithDescriptors(int socket, Span<byte> buffer, List<int> fds)
    {
        var controlLength = CmsgSpace(MaxDescriptorsPerMessage * sizeof(int));
        var control = stackalloc byte[controlLength];
        fixed (byte* bytes = buffer)
        {
            var vector = new IoVector { Base = bytes, Length = (nuint)buffer.Length };
            var message = new MessageHeader
            {
                Vectors = &vector,
                VectorCount = 1,
                Control = control,
                ControlLength = (nuint)controlLength,
            };
            long received;
            while (true)
            {
                received = recvmsg(socket, &message, MsgCmsgCloexec);
                if (received >= 0) break;
                var errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR) return -errno;
            }
            var offset = 0;
            while (offset + CmsgHeaderSize <= (int)message.ControlLength)
            {
                var header = (CmsgHeader*)(control + offset);
                if (header->Level == SolSocket && header->Type == ScmRights)
                {
                    var count = ((int)header->Length - CmsgHeaderSize) / sizeof(int);
                    for (var i = 0; i < count; i++) fds.Add(((int*)(control + offset + CmsgHeaderSize))[i]);
                }
                offset += CmsgSpace((int)header->Length - CmsgHeaderSize);
            }
            return (message.Flags & MsgCtrunc) != 0 ? -EMSGSIZE : received;
        }
    }

    /// <summary>
    /// Lets go of what <paramref name="fd"/> refers to (a listener another process now holds) without closing the
    /// number: an unconnected socket takes its place in one step. The runtime object that owns the number then closes
    /// that placeholder as usual; closing or shutting down the listener itself here would end it for both processes.
    /// </summary>
    public static int ReplaceWithPlaceholder(int fd)
    {
        var placeholder = Check(socket(AfUnix, SockStream | SockCloexec, 0));
        if (placeholder < 0) return placeholder;
        var replaced = Check(dup3(placeholder, fd, OCloexec));
        Close(placeholder);
        return replaced < 0 ? replaced : 0;
    }

    private static int CmsgSpace(int dataLength) => CmsgHeaderSize + ((dataLength + 7) & ~7);

    private struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    private struct CmsgHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup3(int oldFd, int newFd, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(int socket, MessageHeader* message, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recvmsg(int socket, MessageHeader* message, int flags);
}
