using System.Text;
using CsCheck;

namespace Quill.Fuzz.Tests.Targets;

/// <summary>
/// Streams of MaxMind DB data-section values, each one valid on its own but assembled at random: maps and arrays
/// whose counts do not match what follows, huge sizes, every type, and pointers back into the stream (cycles and
/// shared subtrees). Usually starts with a map holding the metadata keys, so the reader gets past them.
/// </summary>
internal static class DataValues
{
    private static readonly Gen<byte[]> Token = Gen.Frequency(
        (4, Gen.Int[0, 28].Select(n => new[] { (byte)(0xE0 | n) })),
        (2, Gen.Int[0, 28].Select(n => new[] { (byte)n, (byte)4 })),
        (4, Gen.OneOf("node_count", "record_size", "ip_version", "country", "registered_country", "iso_code", "SE", "")
            .Select(Text)),
        (3, Gen.Select(Gen.OneOf(5, 6), Gen.Byte.Array[0, 4]).Select(t => (byte[])[(byte)(t.Item1 << 5 | t.Item2.Length), .. t.Item2])),
        (1, Gen.Byte.Array[0, 20].Select(b => (byte[])[(byte)b.Length, 2, .. b])),
        (1, Gen.Byte.Array[0, 5].Select(b => (byte[])[(byte)b.Length, 1, .. b])),
        (1, Gen.Byte.Array[0, 9].Select(b => (byte[])[(byte)(0x60 | b.Length), .. b])),
        (1, Gen.Byte.Array[0, 5].Select(b => (byte[])[(byte)b.Length, 8, .. b])),
        (1, Gen.Int[0, 1].Select(v => new[] { (byte)v, (byte)7 })),
        (6, Gen.Int[0, 48].Select(v => new[] { (byte)(0x20 | (v >> 8 & 7)), (byte)v })),
        (1, Gen.Select(Gen.OneOf(0x40, 0x80, 0xE0), Gen.Int[29, 31], Gen.Byte.Array[3, 3])
            .Select(t => (byte[])[(byte)(t.Item1 | t.Item2), .. t.Item3])),
        (1, Gen.Byte.Array[1, 3]));

    public static readonly Gen<byte[]> Stream = Gen.Select(Gen.Int[0, 3], Token.Array[1, 40], (lead, tokens) =>
    {
        var bytes = new List<byte>();
        if (lead > 0)
        {
            bytes.Add(0xE3);
            foreach (var (key, value) in new[] { ("node_count", (byte)1), ("record_size", (byte)24), ("ip_version", (byte)6) })
            {
                bytes.AddRange(Text(key));
                bytes.AddRange([0xA1, value]);
            }
        }
        foreach (var token in tokens) bytes.AddRange(token);
        return bytes.ToArray();
    });

    private static byte[] Text(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [(byte)(0x40 | bytes.Length), .. bytes];
    }
}
