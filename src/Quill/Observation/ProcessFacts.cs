using System.Globalization;
using Quill.Interop;

namespace Quill.Observation;

/// <summary>The process figures /metrics reports, read from /proc/self at scrape time.</summary>
internal static class ProcessFacts
{
    private const double ClockTicksPerSecond = 100; // USER_HZ, 100 on every Linux ABI .NET supports

    public static long ResidentBytes()
    {
        // statm: size resident shared ... in pages.
        var fields = ReadOrEmpty("/proc/self/statm").Split(' ');
        return fields.Length > 1 && long.TryParse(fields[1], CultureInfo.InvariantCulture, out var pages)
            ? pages * Environment.SystemPageSize
            : 0;
    }

    /// <summary>
    /// The open descriptors: since Linux 6.2 the size of /proc/self/fd is their count, one statx whatever their
    /// number; older kernels say 0 there, and their entries are counted with readdir.
    /// </summary>
    public static long OpenDescriptors()
    {
        var size = FdDirectorySize();
        return size > 0 ? size : CountDescriptorEntries();
    }

    private static unsafe long FdDirectorySize()
    {
        var buffer = stackalloc byte[Libc.StatxBufferSize];
        return Libc.statx(Libc.AtFdCwd, "/proc/self/fd", 0, Libc.StatxSize, buffer) == 0
            && (*(uint*)buffer & Libc.StatxSize) != 0
            ? *(long*)(buffer + Libc.StatxSizeOffset)
            : 0;
    }

    /// <summary>
    /// Entries of /proc/self/fd, counted with readdir alone: .NET's directory enumeration stats every symbolic link
    /// (two calls per descriptor), which made a scrape with 12,000 descriptors cost tens of milliseconds.
    /// </summary>
    private static long CountDescriptorEntries()
    {
        var directory = Libc.opendir("/proc/self/fd");
        if (directory == 0) return 0;
        try
        {
            long entries = 0;
            while (Libc.readdir(directory) != 0) entries++;
            // "." and "..", and the descriptor opendir itself holds.
            return Math.Max(0, entries - 3);
        }
        finally
        {
            _ = Libc.closedir(directory);
        }
    }

    public static long MaxDescriptors() => StatusLimit("Max open files");

    public static long Threads() => StatusField("Threads:");

    /// <summary>User and system CPU time in seconds (/proc/self/stat fields 14 and 15).</summary>
    public static double CpuSeconds()
    {
        var stat = ReadOrEmpty("/proc/self/stat");
        // The command name in parentheses may hold spaces: count fields after its closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 12
            && long.TryParse(fields[11], CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[12], CultureInfo.InvariantCulture, out var system)
            ? (user + system) / ClockTicksPerSecond
            : 0;
    }

    private static long StatusField(string name)
    {
        foreach (var line in ReadOrEmpty("/proc/self/status").Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(name.Length).Trim(), CultureInfo.InvariantCulture, out var value))
                return value;
        }
        return 0;
    }

    private static long StatusLimit(string name)
    {
        foreach (var line in ReadOrEmpty("/proc/self/limits").Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
            var soft = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return soft.Length > 0 && long.TryParse(soft[0], CultureInfo.InvariantCulture, out var value) ? value : 0;
        }
        return 0;
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
