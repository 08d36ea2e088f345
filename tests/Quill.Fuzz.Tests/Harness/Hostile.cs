using CsCheck;

namespace Quill.Fuzz.Tests.Harness;

/// <summary>
/// Generators of structured-but-hostile text: a target's own vocabulary, mutated, mixed with the values parsers get
/// wrong (signs, overflow, exotic digits, NUL, line breaks, unicode, very long words) and fully random text.
/// </summary>
internal static class Hostile
{
    /// <summary>Values at the edges of what numbers, addresses and names accept.</summary>
    public static readonly string[] Atoms =
    [
        "", "0", "-0", "-1", "+1", "1", "00", "007", "255", "256", "65535", "65536", "2147483647", "2147483648",
        "-2147483648", "4294967296", "9223372036854775807", "99999999999999999999999", "1e3", "0x1F", "1.5", " ",
        "\t", "\0", "\r", "\n", "\r\n", "\u00e9", "\u00a0", "\u0661\u0662", "\uff11\uff12", "\ud800", "\udfff",
        "\ud83d\ude00", "\u202e", "\ufeff", "::", ":", "[", "]", "[::1]", "[::1]:80", "/", "//", "%", "#", "-", "--",
        "no", "::ffff:10.0.0.1", "1.2.3.4", "1.2.3", "1.2.3.4.5", "255.255.255.255", "300.1.1.1", "fe80::1%eth0",
        "::/0", "::1/129", "::1/-1", "10.0.0.0/8", "a:b:c:d:e:f", "localhost", "http", "bogus",
    ];

    private static readonly Gen<char> AnyChar = Gen.Frequency(
        (8, Gen.Char[' ', '~']), (2, Gen.Char['\0', '\u001f']), (1, Gen.Char['\u0080', '\u00ff']), (1, Gen.Char));

    /// <summary>Random text of any characters, mostly short.</summary>
    public static readonly Gen<string> RandomText = Gen.Frequency(
        (10, Gen.String[AnyChar, 0, 12]), (2, Gen.String[AnyChar, 13, 200]));

    /// <summary>Very long words, kept rare: they cost time, not coverage.</summary>
    public static readonly Gen<string> Long = Gen.Int[1_000, 70_000].SelectMany(length =>
        Gen.OneOf('9', 'a', ':', '/', '.').Select(c => new string(c, length)));

    /// <summary>One word: mostly from the vocabulary, sometimes changed by one edit, an atom or random text.</summary>
    public static Gen<string> Word(string[] vocabulary) => Gen.Frequency(
        (240, Gen.OneOf(vocabulary)),
        (60, Mutated(Gen.OneOf(vocabulary))),
        (60, Gen.OneOf(Atoms)),
        (40, RandomText),
        (20, Gen.Select(Gen.OneOf(vocabulary), Gen.OneOf(Atoms), (a, b) => a + b)),
        (20, Gen.Int[0, 999].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Long));

    /// <summary>A word with one character inserted, deleted or replaced.</summary>
    public static Gen<string> Mutated(Gen<string> words) =>
        Gen.Select(words, Gen.Int[0, 2], Gen.Int[0, 1000], AnyChar, (word, edit, at, c) =>
        {
            var i = word.Length == 0 ? 0 : at % (word.Length + (edit == 0 ? 1 : 0));
            return edit switch
            {
                0 => word.Insert(Math.Min(i, word.Length), c.ToString()),
                1 when word.Length > 0 => word.Remove(Math.Min(i, word.Length - 1), 1),
                _ when word.Length > 0 => string.Concat(word.AsSpan(0, Math.Min(i, word.Length - 1)), c.ToString(),
                    word.AsSpan(Math.Min(i, word.Length - 1) + 1)),
                _ => c.ToString(),
            };
        });

    /// <summary>Random bytes, mostly short, sometimes long.</summary>
    public static readonly Gen<byte[]> RandomBytes = Gen.Frequency(
        (10, Gen.Byte.Array[0, 64]), (3, Gen.Byte.Array[65, 2_000]), (1, Gen.Byte.Array[2_001, 70_000]));

    /// <summary>A corpus entry with a few byte-level edits: flips, inserts, deletes, duplicated slices, truncation.</summary>
    public static Gen<byte[]> MutatedBytes(IReadOnlyList<byte[]> corpus) => corpus.Count == 0 ? RandomBytes :
        Gen.Select(Gen.Int[0, corpus.Count - 1], Gen.Int[1, 6].SelectMany(n => Gen.Select(Gen.Int[0, 5], Gen.Int, Gen.Int, Gen.Byte).Array[n, n]),
            (pick, edits) =>
            {
                var bytes = new List<byte>(corpus[pick]);
                foreach (var (kind, a, b, value) in edits)
                {
                    var at = bytes.Count == 0 ? 0 : (int)((uint)a % bytes.Count);
                    switch (kind)
                    {
                        case 0 when bytes.Count > 0: bytes[at] = value; break;
                        case 1: bytes.Insert(at, value); break;
                        case 2 when bytes.Count > 0: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + (int)((uint)b % 16))); break;
                        case 3 when bytes.Count > 0:
                            var length = Math.Min(bytes.Count - at, 1 + (int)((uint)b % 64));
                            bytes.InsertRange((int)((uint)b % bytes.Count), bytes.GetRange(at, length));
                            break;
                        case 4 when bytes.Count > 0: bytes.RemoveRange(at, bytes.Count - at); break;
                        case 5 when bytes.Count > 0: bytes[at] ^= (byte)(1 << ((int)((uint)b % 8))); break;
                    }
                }
                return bytes.ToArray();
            });
}
