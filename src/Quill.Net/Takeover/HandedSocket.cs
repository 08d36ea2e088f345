using Quill.Net.Interop;

namespace Quill.Net.Takeover;

/// <summary>A descriptor that came over a takeover channel, before anything owns it.</summary>
public static class HandedSocket
{
    private const int SoType = 3;
    private const int SockDgram = 2;

    /// <summary>Whether it is a datagram (UDP) socket rather than a stream (TCP, unix) one.</summary>
    public static bool IsDatagram(int fd) => Libc.GetOption(fd, Libc.SolSocket, SoType) == SockDgram;

    /// <summary>Closes it: it is not taken.</summary>
    public static void Close(int fd) => Libc.Close(fd);
}
