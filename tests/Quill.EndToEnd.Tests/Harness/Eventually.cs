using System.Diagnostics;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>Bounded polling, for state the balancer or another process updates just after a client sees it.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>True as soon as the condition holds; false when it still does not after the limit.</summary>
    public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (limit ?? DefaultLimit))
        {
            if (condition()) return true;
            await Task.Delay(Poll);
        }

        return condition();
    }

    /// <summary>The first value that satisfies <paramref name="done"/>, or the last one seen at the limit.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || clock.Elapsed > (limit ?? DefaultLimit)) return value;
            await Task.Delay(Poll);
        }
    }

    /// <summary>The file's lines once it has at least <paramref name="count"/>; whatever it has after the limit.</summary>
    public static async Task<string[]> LinesAsync(string path, int count, TimeSpan? limit = null)
    {
        await TrueAsync(() => Read(path).Length >= count, limit);
        return Read(path);
    }

    /// <summary>The lines of a file another process may be writing or rotating; none when it does not exist.</summary>
    public static string[] Read(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var text = new StreamReader(stream).ReadToEnd();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
