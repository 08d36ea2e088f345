using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Quill.Interop;

/// <summary>
/// Service names for ports ("http", "smtp"), asked of libc's getservbyname_r(3), which reads /etc/services or
/// whatever source nsswitch.conf names, as pen's getservbyname does. The thread-safe variant: the control port may
/// look names up while the command line's lookups are long done.
/// </summary>
internal static partial class ServiceNames
{
    private const int Erange = 34;
    private const int MaxBuffer = 1 << 20;

    /// <summary>A lookup for <paramref name="protocol"/> ("tcp" or "udp"): the port, or null for an unknown name.</summary>
    public static Func<string, int?> For(string protocol) => name => Lookup(name, protocol);

    private static unsafe int? Lookup(string name, string protocol)
    {
        // struct servent: name, aliases, int s_port (network byte order), proto; 32 bytes on LP64.
        var entry = stackalloc byte[4 * IntPtr.Size];
        for (var size = 1024; size <= MaxBuffer; size *= 4)
        {
            var buffer = new byte[size];
            fixed (byte* start = buffer)
            {
                var error = getservbyname_r(name, protocol, entry, start, (nuint)size, out var result);
                if (error == Erange) continue;
                if (error != 0 || result == IntPtr.Zero) return null;
                var port = (ushort)Marshal.ReadInt32(result, 2 * IntPtr.Size);
                return BinaryPrimitives.ReverseEndianness(port);
            }
        }
        return null;
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int getservbyname_r(string name, string protocol, byte* entry, byte* buffer, nuint length, out IntPtr result);
}
