using System.Diagnostics;

namespace Quill.EndToEnd.Tests.Control;

/// <summary>Polls a check until it holds or a deadline passes, for state the balancer updates just after a client sees it.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>The first value that satisfies <paramref name="done"/>, or the last one seen at the deadline.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || clock.Elapsed > Deadline)
                return value;
            await Task.Delay(Poll);
        }
    }

    public static async Task<bool> TrueAsync(Func<bool> check)
    {
        var clock = Stopwatch.StartNew();
        while (!check())
        {
            if (clock.Elapsed > Deadline)
                return false;
            await Task.Delay(Poll);
        }
        return true;
    }
}
