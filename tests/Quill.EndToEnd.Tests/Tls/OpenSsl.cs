using System.Diagnostics;

namespace Quill.EndToEnd.Tests.Tls;

/// <summary>The real openssl command: makes certificates for a test at run time and runs s_client.</summary>
internal static class OpenSsl
{
    public const string Executable = "/usr/bin/openssl";

    public static bool IsInstalled => File.Exists(Executable);

    /// <returns>Exit code and everything printed (stdout then stderr).</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output + await error);
    }
}
