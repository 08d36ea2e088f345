using System.Diagnostics;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Http;

/// <summary>Runs the real curl with any arguments (no proxy, bounded time) and returns its output.</summary>
internal static class CurlCommand
{
    private const int MaxSeconds = 20;

    public static async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Curl.Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["--silent", "--show-error", "--fail", "--noproxy", "*", "--max-time", $"{MaxSeconds}", .. arguments])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(MaxSeconds + 5));
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"curl {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
        return await output;
    }
}
