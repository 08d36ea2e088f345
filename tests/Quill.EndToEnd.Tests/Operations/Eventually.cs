using System.Diagnostics;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>Bounded polling of files another process writes.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

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

    /// <summary>The file's lines once it has at least <paramref name="count"/>; whatever it has after the limit.</summary>
    public static async Task<string[]> LinesAsync(string path, int count, TimeSpan? limit = null)
    {
        await TrueAsync(() => Read(path).Length >= count, limit);
        return Read(path);
    }

    public static string[] Read(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var text = new StreamReader(stream).ReadToEnd();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
