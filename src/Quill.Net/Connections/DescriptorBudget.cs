using System.Globalization;

namespace Quill.Net.Connections;

/// <summary>
/// How many connections and splice pipes fit in the process's descriptor limit (ulimit -n), as HAProxy derives maxconn
/// and maxpipes from it. Beyond the budget clients wait in the listen backlog like beyond -x, and a direction that
/// finds no pipe copies through memory, instead of quill taking descriptors until accept, socket or pipe fail with
/// EMFILE: by then the runtime itself cannot start a thread and the process dies.
/// </summary>
public static class DescriptorBudget
{
    /// <summary>A client socket and a server socket.</summary>
    public const int PerConnection = 2;

    /// <summary>
    /// One pipe (two descriptors) for every sixteen descriptors left, at most this many: a direction holds a pipe only
    /// while it splices a burst, so a few hundred serve thousands of connections (HAProxy: maxpipes = maxconn / 4).
    /// </summary>
    public const int MostPipes = 256;

    private const int DescriptorsPerPipe = 16;

    /// <summary>Left for everything else: runtime threads, the control port and its clients, logs, idlers, DNS.</summary>
    public const int Reserve = 64;

    /// <summary>What fits beside the descriptors already open; null when /proc cannot tell.</summary>
    public static DescriptorRoom? Measure()
    {
        try
        {
            var open = Directory.GetFileSystemEntries("/proc/self/fd").Length;
            return OpenFilesLimit() is { } limit ? RoomFor(limit, open) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>At least one connection, so a tiny limit serves slowly rather than not at all.</summary>
    public static DescriptorRoom RoomFor(long limit, int open)
    {
        var left = Math.Max(0, limit - open - Reserve);
        var pipes = (int)Math.Min(MostPipes, left / DescriptorsPerPipe);
        var connections = (int)Math.Clamp((left - 2L * pipes) / PerConnection, 1, int.MaxValue);
        return new DescriptorRoom(connections, pipes);
    }

    /// <summary>The soft limit from /proc/self/limits ("Max open files  1024  4096  files"); null when unlimited.</summary>
    private static long? OpenFilesLimit()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
            var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        return null;
    }
}

/// <summary>Connections and splice pipes that may be open at once.</summary>
public readonly record struct DescriptorRoom(int Connections, int Pipes);
