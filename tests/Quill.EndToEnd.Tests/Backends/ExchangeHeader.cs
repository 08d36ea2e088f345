using System.Buffers.Binary;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>
/// What a stress client tells <see cref="ExchangeBackend"/> in the first bytes of a connection: a lead of
/// <see cref="LeadLength"/> bytes the backend skips (the client chooses how its stream begins), then its id (under which
/// the backend records its digests), the order, how many bytes to send back from which seed, and how often to pause.
/// </summary>
internal readonly record struct ExchangeHeader(int Id, ExchangeOrder Order, int ReplyLength, int ReplySeed, int PausePercent)
{
    public const int LeadLength = 24;
    public const int Length = LeadLength + 5 * sizeof(int);

    public byte[] ToBytes(ReadOnlySpan<byte> lead)
    {
        var bytes = new byte[Length];
        lead.CopyTo(bytes);
        var fields = bytes.AsSpan(LeadLength);
        BinaryPrimitives.WriteInt32LittleEndian(fields, Id);
        BinaryPrimitives.WriteInt32LittleEndian(fields[4..], (int)Order);
        BinaryPrimitives.WriteInt32LittleEndian(fields[8..], ReplyLength);
        BinaryPrimitives.WriteInt32LittleEndian(fields[12..], ReplySeed);
        BinaryPrimitives.WriteInt32LittleEndian(fields[16..], PausePercent);
        return bytes;
    }

    public static ExchangeHeader Parse(ReadOnlySpan<byte> bytes)
    {
        var fields = bytes[LeadLength..];
        return new ExchangeHeader(
            BinaryPrimitives.ReadInt32LittleEndian(fields),
            (ExchangeOrder)BinaryPrimitives.ReadInt32LittleEndian(fields[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(fields[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(fields[12..]),
            BinaryPrimitives.ReadInt32LittleEndian(fields[16..]));
    }
}
