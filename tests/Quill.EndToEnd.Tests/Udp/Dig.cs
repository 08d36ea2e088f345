using System.Diagnostics;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Udp;

/// <summary>The real dig, asking example.test through the balancer from a chosen loopback source address.</summary>
internal static class Dig
{
    public const string Executable = "/usr/bin/dig";

    public static bool IsInstalled => File.Exists(Executable);

    /// <returns>The A record dig printed (+short), or "" when no answer came within the tries.</returns>
    public static async Task<string> AskAsync(int port, int sourceLastByte, int tries = 1, int seconds = 2)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
                 {
                     "@127.0.0.1", "-p", $"{port}", "-b", LoopbackClient.Source(sourceLastByte).ToString(),
                     "example.test", "A", "+short", $"+tries={tries}", $"+time={seconds}",
                 })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(tries * seconds + 10));
        await process.WaitForExitAsync(deadline.Token);
        var text = (await output).Trim();
        // dig prints ";; connection timed out" on stdout when nothing answers.
        return text.StartsWith(";;", StringComparison.Ordinal) ? "" : text;
    }
}
