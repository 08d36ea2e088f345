using System.Diagnostics;

namespace Quill.Fuzz.Tests.Harness;

/// <summary>
/// Hang detection. An input slower than <see cref="FuzzSettings.HangBound"/> is run once more (a shared, loaded machine
/// can pause any single run) and fails when the second run is slow too. An input that never returns cannot be
/// interrupted in-process, so a watchdog prints it and ends the process once it has run ten bounds.
/// </summary>
internal static class TimeBound
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, (long Started, Func<string> Print)> Running = [];
    private static Timer? _watchdog;

    /// <param name="slack">How many <see cref="FuzzSettings.HangBound"/>s one input may take.</param>
    public static Action<T> Guard<T>(Action<T> property, Func<T, string> print, int slack = 1)
    {
        StartWatchdog();
        var bound = FuzzSettings.HangBound * slack;
        return input =>
        {
            if (Timed(property, input, print) <= bound) return;
            var again = Timed(property, input, print);
            if (again > bound)
                throw new TimeoutException($"input took {again.TotalMilliseconds:F0} ms (bound {bound.TotalMilliseconds:F0} ms): {Shown(print(input))}");
        };
    }

    private static TimeSpan Timed<T>(Action<T> property, T input, Func<T, string> print)
    {
        var thread = Environment.CurrentManagedThreadId;
        var started = Stopwatch.GetTimestamp();
        lock (Gate) Running[thread] = (started, () => print(input));
        try
        {
            property(input);
        }
        finally
        {
            lock (Gate) Running.Remove(thread);
        }
        return Stopwatch.GetElapsedTime(started);
    }

    private static void StartWatchdog()
    {
        lock (Gate)
        {
            _watchdog ??= new Timer(_ => Check(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    private static void Check()
    {
        var limit = FuzzSettings.HangBound * 10;
        lock (Gate)
        {
            foreach (var (started, print) in Running.Values)
            {
                if (Stopwatch.GetElapsedTime(started) < limit) continue;
                var input = print();
                var file = Path.Combine(Path.GetTempPath(), $"quill-fuzz-hang-{Environment.ProcessId}.txt");
                File.WriteAllText(file, input);
                Environment.FailFast($"fuzz: input still running after {limit.TotalSeconds:F0} s (a hang), whole input in {file}: {Shown(input)}");
            }
        }
    }

    private static string Shown(string input) => input.Length > 2000 ? input[..2000] + "..." : input;
}
