using System.Net;
using System.Net.Sockets;

namespace Quill.Net.Tests.Control;

/// <summary>A penctl-like client for tests: every operation is bounded by a timeout.</summary>
internal static class ControlTestClient
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task<Socket> ConnectAsync(EndPoint endPoint)
    {
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint).WaitAsync(Timeout);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task SendAsync(Socket socket, byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await socket.SendAsync(bytes.AsMemory(sent)).AsTask().WaitAsync(Timeout);
        }
    }

    /// <summary>Reads until the server closes; a reset after the reply counts as the end too.</summary>
    public static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            int count;
            try
            {
                count = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                break;
            }
            if (count == 0)
            {
                break;
            }
            received.Write(buffer, 0, count);
        }
        return received.ToArray();
    }

    /// <summary>What penctl does: send the bytes, then read everything until EOF.</summary>
    /// <param name="halfClose">Also signal EOF after sending, which penctl does not do.</param>
    public static async Task<byte[]> ExchangeAsync(EndPoint endPoint, byte[] request, bool halfClose = false)
    {
        using var socket = await ConnectAsync(endPoint);
        await SendAsync(socket, request);
        if (halfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        return await ReadToEndAsync(socket);
    }

    public static async Task<string> ExchangeAsync(EndPoint endPoint, string request, bool halfClose = false) =>
        System.Text.Encoding.Latin1.GetString(
            await ExchangeAsync(endPoint, System.Text.Encoding.Latin1.GetBytes(request), halfClose));
}
