using System.Buffers.Binary;
using System.Text;

namespace Quill.Core.Acl;

/// <summary>
/// Decodes MaxMind DB data-section values: a control byte (type in the top 3 bits, 0 meaning "extended, add 7 to the
/// next byte"; size in the low 5 bits, 29-31 meaning "more size bytes follow"), then the payload. Maps become
/// dictionaries, strings strings, unsigned numbers ulong, int32 int, floats double, booleans bool; pointers are
/// followed (they count from <paramref name="pointerBase"/>, the data section's start or the metadata's).
/// <para>Pointers let values share subtrees, so a small hostile file can describe a tree of billions of values within
/// the depth limit; a budget of values per <see cref="Read(int)"/> stops it, far above what a real record holds.</para>
/// </summary>
internal sealed class MaxMindDataReader(byte[] file, int pointerBase)
{
    private const int MaxDepth = 32;
    private const int MaxValues = 10_000;

    private int _valuesLeft;

    private enum DataType
    {
        Pointer = 1, Utf8String = 2, Double = 3, Bytes = 4, Uint16 = 5, Uint32 = 6, Map = 7, Int32 = 8, Uint64 = 9,
        Uint128 = 10, Array = 11, Container = 12, EndMarker = 13, Boolean = 14, Float = 15,
    }

    /// <summary>The value at an absolute offset in the file.</summary>
    /// <exception cref="FormatException">A value that breaks the format (unknown type, too deep, pointer to pointer).</exception>
    public object? Read(int offset)
    {
        _valuesLeft = MaxValues;
        return Read(ref offset, 0);
    }

    private object? Read(ref int offset, int depth)
    {
        if (depth > MaxDepth) throw new FormatException("data nested too deep");
        if (--_valuesLeft < 0) throw new FormatException($"more than {MaxValues} values in one record");
        var control = file[offset++];
        var type = (DataType)(control >> 5);
        if (type == DataType.Pointer)
        {
            var target = pointerBase + PointerValue(control, ref offset);
            if (target < 0 || target >= file.Length) throw new FormatException("pointer outside the file");
            if ((DataType)(file[target] >> 5) == DataType.Pointer) throw new FormatException("pointer to a pointer");
            return Read(ref target, depth + 1);
        }
        if (type == 0) type = (DataType)(7 + file[offset++]);
        var size = Size(control, ref offset);
        switch (type)
        {
            case DataType.Utf8String:
                var text = Encoding.UTF8.GetString(file, offset, size);
                offset += size;
                return text;
            case DataType.Map:
                // A count is only a claim: each entry takes at least a byte, so the bytes left bound what to reserve.
                var map = new Dictionary<string, object?>(Math.Min(size, file.Length - offset), StringComparer.Ordinal);
                for (var i = 0; i < size; i++)
                {
                    if (Read(ref offset, depth + 1) is not string key) throw new FormatException("map key is not a string");
                    map[key] = Read(ref offset, depth + 1);
                }
                return map;
            case DataType.Array:
                var items = new List<object?>(Math.Min(size, file.Length - offset));
                for (var i = 0; i < size; i++) items.Add(Read(ref offset, depth + 1));
                return items;
            case DataType.Uint16 or DataType.Uint32 or DataType.Uint64 or DataType.Uint128:
                if (size > 16) throw new FormatException($"unsigned number of {size} bytes");
                ulong value = 0;
                for (var i = 0; i < size; i++) value = value << 8 | file[offset + i];
                offset += size;
                return value;
            case DataType.Int32:
                if (size > 4) throw new FormatException($"int32 of {size} bytes");
                var signed = 0;
                for (var i = 0; i < size; i++) signed = signed << 8 | file[offset + i];
                offset += size;
                return signed;
            case DataType.Double:
                var number = BinaryPrimitives.ReadDoubleBigEndian(file.AsSpan(offset, size));
                offset += size;
                return number;
            case DataType.Float:
                var single = BinaryPrimitives.ReadSingleBigEndian(file.AsSpan(offset, size));
                offset += size;
                return (double)single;
            case DataType.Bytes:
                var bytes = file.AsSpan(offset, size).ToArray();
                offset += size;
                return bytes;
            case DataType.Boolean:
                return size != 0;
            default:
                throw new FormatException($"data type {(int)type} not expected");
        }
    }

    /// <summary>Pointer sizes: 11, 19, 27 or 32 bits, the middle two with a bias so no offset has two encodings.</summary>
    private int PointerValue(byte control, ref int offset)
    {
        long high = control & 0x07;
        var bytes = ((control >> 3) & 0x03) + 1;
        long value = 0;
        for (var i = 0; i < bytes; i++) value = value << 8 | file[offset + i];
        offset += bytes;
        value = bytes switch
        {
            1 => high << 8 | value,
            2 => (high << 16 | value) + 2048,
            3 => (high << 24 | value) + 526336,
            _ => value,
        };
        if (value > int.MaxValue) throw new FormatException("pointer outside the file");
        return (int)value;
    }

    private int Size(byte control, ref int offset)
    {
        var size = control & 0x1F;
        if (size < 29) return size;
        var extra = size - 28;
        var value = 0;
        for (var i = 0; i < extra; i++) value = value << 8 | file[offset + i];
        offset += extra;
        return extra switch
        {
            1 => 29 + value,
            2 => 285 + value,
            _ => 65821 + value,
        };
    }
}
