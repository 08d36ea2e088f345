using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Observation;

/// <summary>
/// A page kept open in a real headless Chromium, read through the DevTools protocol while it runs: what its own
/// script has made of the DOM at any moment, without reloading it.
/// </summary>
internal sealed class HeadlessPage : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly Process _chromium;
    private readonly TempDirectory _profile;
    private readonly ClientWebSocket _socket;
    private int _nextId;

    private HeadlessPage(Process chromium, TempDirectory profile, ClientWebSocket socket) =>
        (_chromium, _profile, _socket) = (chromium, profile, socket);

    public static async Task<HeadlessPage> OpenAsync(string chromium, string url)
    {
        var profile = new TempDirectory();
        var start = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
                     $"--user-data-dir={profile.Path}", url })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var socket = new ClientWebSocket();
        try
        {
            // Chromium writes the port it took, then the browser's path, to DevToolsActivePort.
            var portFile = Path.Combine(profile.Path, "DevToolsActivePort");
            var port = await Eventually.ValueAsync(
                () => Task.FromResult(File.Exists(portFile) ? File.ReadAllLines(portFile).FirstOrDefault() ?? "" : ""),
                p => p.Length > 0, Bound);
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
            var target = await Eventually.ValueAsync(async () =>
            {
                using var list = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"));
                return list.RootElement.EnumerateArray()
                    .Where(t => t.GetProperty("type").GetString() == "page" && t.GetProperty("url").GetString()!.StartsWith(url, StringComparison.Ordinal))
                    .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()!).FirstOrDefault() ?? "";
            }, t => t.Length > 0, Bound);
            using var connecting = new CancellationTokenSource(Bound);
            await socket.ConnectAsync(new Uri(target), connecting.Token);
            return new HeadlessPage(process, profile, socket);
        }
        catch
        {
            socket.Dispose();
            process.Kill(entireProcessTree: true);
            process.Dispose();
            profile.Dispose();
            throw;
        }
    }

    /// <summary>Runs a JavaScript expression in the page and returns its value as a string.</summary>
    public async Task<string> EvaluateAsync(string expression)
    {
        var id = ++_nextId;
        var request = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["id"] = id,
            ["method"] = "Runtime.evaluate",
            ["params"] = new Dictionary<string, object> { ["expression"] = expression, ["returnByValue"] = true },
        });
        using var limit = new CancellationTokenSource(Bound);
        await _socket.SendAsync(request, WebSocketMessageType.Text, true, limit.Token);
        while (true)
        {
            using var reply = JsonDocument.Parse(await ReceiveAsync(limit.Token));
            if (!reply.RootElement.TryGetProperty("id", out var replyId) || replyId.GetInt32() != id) continue;
            var result = reply.RootElement.GetProperty("result").GetProperty("result");
            return result.TryGetProperty("value", out var value) ? value.ToString() : "";
        }
    }

    private async Task<string> ReceiveAsync(CancellationToken cancel)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult part;
        do
        {
            part = await _socket.ReceiveAsync(buffer, cancel);
            if (part.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("Chromium closed the DevTools connection");
            message.Write(buffer, 0, part.Count);
        }
        while (!part.EndOfMessage);
        return Encoding.UTF8.GetString(message.ToArray());
    }

    public void Dispose()
    {
        _socket.Dispose();
        try
        {
            _chromium.Kill(entireProcessTree: true);
            _chromium.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
        _chromium.Dispose();
        _profile.Dispose();
    }
}
