using System.Globalization;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>What /proc says about a running process: threads, resident memory and open descriptors.</summary>
internal readonly record struct ProcessStatus(int Threads, long ResidentKilobytes, int OpenDescriptors)
{
    public static ProcessStatus Read(int pid)
    {
        var threads = 0;
        long resident = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
                threads = int.Parse(FirstNumber(line), CultureInfo.InvariantCulture);
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                resident = long.Parse(FirstNumber(line), CultureInfo.InvariantCulture);
        }
        var descriptors = Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        return new ProcessStatus(threads, resident, descriptors);
    }

    /// <summary>
    /// The TCP sockets a process holds, whatever eventfds, pipes, files and diagnostic sockets its runtime opened:
    /// a balancer at rest holds only its listeners (and control port).
    /// </summary>
    public static int TcpSockets(int pid)
    {
        var inodes = ListeningSockets.SocketInodes(pid);
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields.Length > 9 && inodes.Contains(fields[9]));
    }

    private static string FirstNumber(string line) =>
        line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1];

    public override string ToString() =>
        $"{Threads} threads, {ResidentKilobytes} kB resident, {OpenDescriptors} fds";
}
