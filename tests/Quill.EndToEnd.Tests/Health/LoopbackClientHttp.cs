using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Health;

/// <summary>One HTTP/1.0 GET on its own connection, the whole reply read to the close.</summary>
internal static class LoopbackClientHttp
{
    public static async Task<string> GetAsync(EndPoint endpoint, string path)
    {
        using var socket = await LoopbackClient.ConnectAsync(endpoint);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\nHost: quill\r\n\r\n"), SocketFlags.None);
        return await LoopbackClient.ReadToEndAsync(socket);
    }
}
