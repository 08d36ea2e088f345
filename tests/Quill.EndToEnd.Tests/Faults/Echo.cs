using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Faults;

/// <summary>One byte through an echo backend and back: whether a client is being served right now.</summary>
internal static class Echo
{
    public static async Task<bool> AnswersWithinAsync(Socket socket, TimeSpan limit)
    {
        using var deadline = new CancellationTokenSource(limit);
        var buffer = new byte[1];
        try
        {
            await socket.SendAsync(new byte[] { (byte)'x' }, SocketFlags.None, deadline.Token);
            return await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) == 1;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
