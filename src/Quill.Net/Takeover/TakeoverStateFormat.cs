using System.Runtime.CompilerServices;

namespace Quill.Net.Takeover;

/// <summary>The pieces <see cref="ITakeoverState"/> implementations write, read back with the checks a parser's state needs.</summary>
internal static class TakeoverStateFormat
{
    public static void WriteEnum<T>(this BinaryWriter writer, T value)
        where T : struct, Enum => writer.Write(Unsafe.As<T, int>(ref value));

    /// <exception cref="InvalidDataException">Not one of <typeparamref name="T"/>'s values.</exception>
    public static T ReadEnum<T>(this BinaryReader reader)
        where T : struct, Enum
    {
        if (Unsafe.SizeOf<T>() != sizeof(int)) throw new InvalidOperationException($"{typeof(T).Name} is not an int enum");
        var raw = reader.ReadInt32();
        var value = Unsafe.As<int, T>(ref raw);
        return Enum.IsDefined(value) ? value : throw new InvalidDataException($"takeover: {raw} is no {typeof(T).Name}");
    }

    /// <summary>A count or length in 0..<paramref name="max"/>.</summary>
    public static int ReadBounded(this BinaryReader reader, int max)
    {
        var value = reader.ReadInt32();
        return value >= 0 && value <= max ? value : throw new InvalidDataException($"takeover: {value} is out of 0..{max}");
    }

    /// <summary>Bytes held between reads (a head or line not yet complete), as a length and the bytes.</summary>
    public static void WriteHeld(this BinaryWriter writer, ReadOnlySpan<byte> held)
    {
        writer.Write(held.Length);
        writer.Write(held);
    }

    /// <summary>What <see cref="WriteHeld"/> wrote, at most <paramref name="max"/> bytes.</summary>
    public static byte[] ReadHeld(this BinaryReader reader, int max)
    {
        var length = reader.ReadBounded(max);
        var held = reader.ReadBytes(length);
        return held.Length == length ? held : throw new EndOfStreamException();
    }
}
