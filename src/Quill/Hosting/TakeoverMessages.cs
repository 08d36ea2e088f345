using System.Globalization;
using Quill.Net.Takeover;

namespace Quill.Hosting;

/// <summary>A takeover message's bytes: its kind (<see cref="TakeoverMessage"/>) first, then its body.</summary>
internal static class TakeoverMessages
{
    public static byte[] Of(TakeoverMessage kind, Action<BinaryWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write((byte)kind);
            body(writer);
        }
        return buffer.ToArray();
    }

    /// <summary>The body of <paramref name="message"/>, which must be of <paramref name="kind"/>.</summary>
    /// <exception cref="IOException">It is another kind.</exception>
    public static BinaryReader Expect(byte[] message, TakeoverMessage kind)
    {
        if (message.Length == 0 || message[0] != (byte)kind)
            throw new IOException($"takeover: expected {kind}, got message {(message.Length == 0 ? "(empty)" : message[0].ToString(CultureInfo.InvariantCulture))}");
        return new BinaryReader(new MemoryStream(message, 1, message.Length - 1));
    }
}
