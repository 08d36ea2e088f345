using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>HTTP/1.1 requests on one keep-alive connection from a chosen loopback source address; bounded in time.</summary>
internal sealed class HttpExchange : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[8192];
    private readonly StringBuilder _pending = new();

    private HttpExchange(Socket socket) => _socket = socket;

    /// <summary>Every byte of every response so far, headers included.</summary>
    public long Received { get; private set; }

    /// <summary>Whether bytes have come that no read has taken yet.</summary>
    public bool HasUnread => _socket.Available > 0 || _pending.Length > 0;

    /// <summary>The client's own end of the connection.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public static async Task<HttpExchange> OpenAsync(EndPoint balancer, IPAddress source) =>
        new(await LoopbackClient.ConnectAsync(balancer, source));

    /// <summary>One request, one response; returns the body.</summary>
    public async Task<string> GetAsync(string path)
    {
        await SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: quill\r\n\r\n"));
        return (await ReadResponseAsync()).Body;
    }

    /// <summary>Sends any part of a request.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>The next response: its status line and its body (trimmed; none without Content-Length).</summary>
    public async Task<(string Status, string Body)> ReadResponseAsync()
    {
        using var timeout = new CancellationTokenSource(LoopbackClient.OperationTimeout);
        int headerEnd;
        while ((headerEnd = _pending.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0) await ReceiveAsync(timeout.Token);
        var headers = _pending.ToString(0, headerEnd).Split("\r\n");
        var lengthLine = headers.FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
        while (_pending.Length < headerEnd + 4 + length) await ReceiveAsync(timeout.Token);
        var body = _pending.ToString(headerEnd + 4, length);
        _pending.Remove(0, headerEnd + 4 + length);
        return (headers[0], body.Trim());
    }

    /// <summary>A new connection for one request.</summary>
    public static async Task<string> GetOnceAsync(EndPoint balancer, IPAddress source, string path)
    {
        using var exchange = await OpenAsync(balancer, source);
        return await exchange.GetAsync(path);
    }

    private async Task ReceiveAsync(CancellationToken timeout)
    {
        var read = await _socket.ReceiveAsync(_buffer, SocketFlags.None, timeout);
        if (read == 0) throw new IOException("connection closed before the response was complete");
        Received += read;
        _pending.Append(Encoding.ASCII.GetString(_buffer, 0, read));
    }

    public void Dispose() => _socket.Dispose();
}
