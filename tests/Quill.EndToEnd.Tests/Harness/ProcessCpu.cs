using System.Globalization;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>CPU time a process has used (user and system), from /proc/PID/stat, for tests that a process does not spin.</summary>
internal static class ProcessCpu
{
    /// <summary>/proc counts in USER_HZ, which Linux fixes at 100 for user space.</summary>
    private const double TicksPerSecond = 100;

    public static TimeSpan Used(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>The share of one core the process used over <paramref name="span"/>, from now.</summary>
    public static async Task<double> ShareOfACoreAsync(int pid, TimeSpan span)
    {
        var before = Used(pid);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(span);
        return (Used(pid) - before) / clock.Elapsed;
    }
}
