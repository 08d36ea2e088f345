using System.Diagnostics;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>ip(8) for the tests that build network namespaces: each call bounded, its error text returned.</summary>
internal static class IpCommand
{
    /// <summary>Runs ip with these arguments; throws with its error text when it fails.</summary>
    public static void Must(string[] arguments)
    {
        if (Run(arguments, out _) is { } error) throw new InvalidOperationException($"ip {string.Join(' ', arguments)}: {error}");
    }

    /// <summary>Runs ip with these arguments: null when it succeeded, otherwise its error text.</summary>
    public static string? Run(string[] arguments) => Run(arguments, out _);

    /// <summary>As <see cref="Run(string[])"/>, with what ip wrote on standard output.</summary>
    public static string? Run(string[] arguments, out string output)
    {
        var start = new ProcessStartInfo(Connections.TransparentNetwork.Ip) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        output = "";
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill();
            return "timed out";
        }

        output = standardOutput.Result;
        return process.ExitCode == 0 ? null : error.Result.Trim();
    }
}
