namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>A process's open descriptors counted by what they point at (socket, pipe, anon_inode:[eventpoll], a file...).</summary>
internal static class DescriptorKinds
{
    private const string Socket = "socket";

    /// <summary>"kind count" pairs, for the figures.</summary>
    public static string Describe(int pid) => string.Join(", ", Count(pid).Select(kind => $"{kind.Key} {kind.Value}"));

    /// <summary>All descriptors and the sockets among them, from one listing so that the two agree.</summary>
    public static (int All, int Sockets) CountSockets(int pid)
    {
        var kinds = Count(pid);
        return (kinds.Values.Sum(), kinds.GetValueOrDefault(Socket));
    }

    private static SortedDictionary<string, int> Count(int pid)
    {
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var link in Directory.GetFileSystemEntries($"/proc/{pid}/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(link).LinkTarget;
            }
            catch (IOException)
            {
                target = null;
            }
            // Closed between the listing and the look: a connection that just ended.
            if (target is null)
                continue;
            var kind = target.Split(':', 2) is [var prefix, _] && !prefix.StartsWith('/')
                ? prefix == "anon_inode" ? target : prefix
                : "file";
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
        }
        return kinds;
    }
}
