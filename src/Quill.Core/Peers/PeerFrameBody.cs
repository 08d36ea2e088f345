using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Quill.Core.Peers;

/// <summary>
/// The body of one frame: a heartbeat (type 0, nothing else) that keeps an idle link proven alive, or an assignment
/// (type 1): client address length (4 or 16) and bytes, age in milliseconds (uint32), server port (uint16), server
/// address length (uint8) and UTF-8 text. Numbers big-endian.
/// </summary>
public static class PeerFrameBody
{
    public const byte Heartbeat = 0;
    public const byte Assignment = 1;

    /// <summary>The largest body: an IPv6 client and a 255-byte server address.</summary>
    public const int MaxLength = 1 + 1 + 16 + 4 + 2 + 1 + 255;

    /// <summary>Writes an assignment's body; returns its length, or 0 when the server address is too long to send.</summary>
    public static int WriteAssignment(in ClientAssignment assignment, Span<byte> body)
    {
        var server = Encoding.UTF8.GetByteCount(assignment.ServerAddress);
        if (server > byte.MaxValue) return 0;
        body[0] = Assignment;
        assignment.Client.TryWriteBytes(body[2..], out var written);
        body[1] = (byte)written;
        var at = 2 + written;
        var ageMs = (uint)Math.Clamp(assignment.Age.TotalMilliseconds, 0, uint.MaxValue);
        BinaryPrimitives.WriteUInt32BigEndian(body[at..], ageMs);
        BinaryPrimitives.WriteUInt16BigEndian(body[(at + 4)..], (ushort)assignment.ServerPort);
        body[at + 6] = (byte)server;
        Encoding.UTF8.GetBytes(assignment.ServerAddress, body[(at + 7)..]);
        return at + 7 + server;
    }

    /// <summary>Reads an assignment's body (after its type byte was checked); false with a reason when malformed.</summary>
    public static bool TryReadAssignment(ReadOnlySpan<byte> body, out ClientAssignment assignment, out string error)
    {
        assignment = default;
        error = "";
        if (body.Length < 2 || body[0] != Assignment || body[1] is not (4 or 16))
        {
            error = "malformed assignment";
            return false;
        }

        var at = 2 + body[1];
        if (body.Length < at + 7 || body.Length != at + 7 + body[at + 6])
        {
            error = "assignment of the wrong length";
            return false;
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(body[(at + 4)..]);
        string server;
        try
        {
            server = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body[(at + 7)..]);
        }
        catch (DecoderFallbackException)
        {
            error = "server address is not UTF-8";
            return false;
        }

        if (port == 0 || server.Length == 0)
        {
            error = "assignment without a server";
            return false;
        }

        assignment = new ClientAssignment(new IPAddress(body[2..at]), server, port,
            TimeSpan.FromMilliseconds(BinaryPrimitives.ReadUInt32BigEndian(body[at..])));
        return true;
    }
}
