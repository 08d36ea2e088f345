using System.Globalization;

namespace Quill.Net.Connections;

/// <summary>
/// How many connections fit in the process's descriptor limit (ulimit -n), as HAProxy derives maxconn from it.
/// Beyond the budget clients wait in the listen backlog like beyond -x, instead of quill taking descriptors until
/// accept, socket or pipe fail with EMFILE: by then the runtime itself cannot start a thread and the process dies.
/// </summary>
public static class DescriptorBudget
{
    /// <summary>
    /// A client socket and a server socket, and half a pipe: a direction holds a pipe (two descriptors) only while it
    /// splices a burst, and one that cannot get a pipe copies through memory instead. HAProxy counts the same
    /// (maxsock = 2 x maxconn + 2 x maxpipes, maxpipes = maxconn / 4).
    /// </summary>
    public const int PerConnection = 3;

    /// <summary>Left for everything else: runtime threads, the control port and its clients, logs, idlers, DNS.</summary>
    public const int Reserve = 64;

    /// <summary>Connections that fit beside the descriptors already open; null when /proc cannot tell.</summary>
    public static int? Connections()
    {
        try
        {
            var open = Directory.GetFileSystemEntries("/proc/self/fd").Length;
            return OpenFilesLimit() is { } limit ? ConnectionsFor(limit, open) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>At least one connection, so a tiny limit serves slowly rather than not at all.</summary>
    public static int ConnectionsFor(long limit, int open) =>
        (int)Math.Clamp((limit - open - Reserve) / PerConnection, 1, int.MaxValue);

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
