using System.Net;

namespace Quill.Benchmarks;

/// <summary>Distinct IPv4 client addresses, made once so benchmarks time the tables, not address parsing.</summary>
internal static class Addresses
{
    public static IPAddress[] Distinct(int count, int offset = 0)
    {
        var addresses = new IPAddress[count];
        for (var i = 0; i < count; i++)
        {
            // 10.0.0.0/8 and up: never equal for different i below 2^24 * 246.
            var value = (uint)(0x0A000000 + offset + i);
            addresses[i] = new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
        }
        return addresses;
    }
}
