using System.Diagnostics;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>The real curl as an HTTP client of the balancer, with a bounded run time and no proxy.</summary>
internal static class Curl
{
    public const string Executable = "/usr/bin/curl";
    private const int MaxSeconds = 5;

    public static bool IsInstalled => File.Exists(Executable);

    /// <summary>GETs the URL and returns the body, trimmed; throws when curl fails.</summary>
    public static async Task<string> GetAsync(string url)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--silent", "--show-error", "--fail", "--noproxy", "*", "--max-time", MaxSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), url })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var body = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(MaxSeconds + 5));
        await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"curl {url} exited with {process.ExitCode}: {await error.ConfigureAwait(false)}");
        return (await body.ConfigureAwait(false)).Trim();
    }
}
