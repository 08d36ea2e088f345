using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Control;

/// <summary>Control-port clients for the tests: raw one-line exchanges, and the real quillctl executable.</summary>
internal static class Penctl
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static string QuillctlExecutable { get; } =
        Path.Combine(RepositoryLayout.Root, "src", "Quill.Ctl", "bin", RepositoryLayout.Configuration, "net10.0", "quillctl");

    /// <summary>Sends one command line as penctl does and returns the exact reply bytes as text.</summary>
    public static async Task<string> AskAsync(EndPoint control, string command, IPAddress? source = null) =>
        Encoding.Latin1.GetString(await ExchangeAsync(control, Encoding.Latin1.GetBytes(command + "\n"), source));

    /// <summary>Sends raw bytes, half-closes, and reads until the server closes (a reset ends it too).</summary>
    public static async Task<byte[]> ExchangeAsync(EndPoint control, byte[] request, IPAddress? source = null)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var socket = new Socket(control.AddressFamily, SocketType.Stream,
            control is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        if (source is not null)
            socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(control, timeout.Token);
        try
        {
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The server may close early (a line over its limit): what it replied is still readable.
        }
        using var reply = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
                reply.Write(buffer, 0, read);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
        return reply.ToArray();
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs quillctl with exactly these arguments; bounded by <see cref="Timeout"/>.</summary>
    public static async Task<Result> RunQuillctlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(QuillctlExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"quillctl {string.Join(' ', arguments)} still running after {Timeout}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
