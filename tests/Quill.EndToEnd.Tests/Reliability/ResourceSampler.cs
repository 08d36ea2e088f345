using System.Diagnostics;
using System.Globalization;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// One second's look at quill in /proc: memory, threads (and how many are the runtime's thread-pool workers),
/// descriptors (and how many are sockets), CPU time so far.
/// </summary>
internal readonly record struct ResourceSample(TimeSpan At, long ResidentKilobytes, int Threads, int PoolWorkers, int Descriptors, int Sockets, TimeSpan Cpu)
{
    /// <summary>quill's own threads and the runtime's fixed ones: the pool's workers come and go with the load.</summary>
    public int ThreadsBesidesPool => Threads - PoolWorkers;

    /// <summary>Pipes, files, epoll and event descriptors: they do not come and go with connections.</summary>
    public int OtherDescriptors => Descriptors - Sockets;
}

/// <summary>Samples a process once a second until cancelled.</summary>
internal sealed class ResourceSampler(int pid)
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    // USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    private readonly List<ResourceSample> _samples = [];

    public IReadOnlyList<ResourceSample> Samples => _samples;

    public async Task RunAsync(CancellationToken until)
    {
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(Period);
        try
        {
            do
            {
                _samples.Add(Sample(clock.Elapsed));
            }
            while (await timer.WaitForNextTickAsync(until).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (until.IsCancellationRequested)
        {
            // The load is over.
        }
    }

    public ResourceSample Sample(TimeSpan at)
    {
        var status = ProcessStatus.Read(pid);
        var (descriptors, sockets) = DescriptorKinds.CountSockets(pid);
        return new(at, status.ResidentKilobytes, status.Threads, PoolWorkers(pid), descriptors, sockets, CpuTime(pid));
    }

    /// <summary>Threads the runtime names ".NET TP Worker": its thread pool adds and retires them as the load moves.</summary>
    private static int PoolWorkers(int pid)
    {
        var workers = 0;
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET TP Worker", StringComparison.Ordinal))
                    workers++;
            }
            catch (IOException)
            {
                // The thread ended while listed.
            }
        }
        return workers;
    }

    /// <summary>User plus system time, fields 14 and 15 of /proc/PID/stat (counted after the command's closing parenthesis).</summary>
    private static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
