using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using Quill.Interop;

namespace Quill.Hosting;

/// <summary>
/// Who may take this process's sockets: a peer running as quill's own user (after -u, that user) or as root, as the
/// kernel reports it (SO_PEERCRED, fixed at connect). The takeover socket's mode 0600 says the same; this holds even
/// if the mode or the directory were widened.
/// </summary>
internal static class TakeoverPeer
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>Null when the peer may take over; otherwise why not, for the log.</summary>
    public static string? Refusal(Socket peer)
    {
        // struct ucred: pid, uid, gid, each 32 bits.
        Span<byte> credentials = stackalloc byte[12];
        int length;
        try
        {
            length = peer.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
        }
        catch (SocketException e)
        {
            return $"cannot read the peer's credentials: {e.Message}";
        }
        if (length < credentials.Length) return "cannot read the peer's credentials";
        var pid = BinaryPrimitives.ReadInt32LittleEndian(credentials);
        var uid = BinaryPrimitives.ReadUInt32LittleEndian(credentials[4..]);
        var own = Libc.geteuid();
        return uid == 0 || uid == own
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"process {pid} runs as uid {uid}, not as quill's uid {own} or root");
    }
}
