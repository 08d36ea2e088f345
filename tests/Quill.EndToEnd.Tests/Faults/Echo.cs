using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Faults;

/// <summary>One byte through an echo backend and back: whether a client is being served right now.</summary>
internal static class Echo
{
    public enum Outcome { Answered, Closed, Silent }

    public static async Task<bool> AnswersWithinAsync(Socket socket, TimeSpan limit) =>
        await OutcomeWithinAsync(socket, limit) == Outcome.Answered;

    /// <summary>Answered, closed by quill (end of stream or reset), or still silent when <paramref name="limit"/> passed.</summary>
    public static async Task<Outcome> OutcomeWithinAsync(Socket socket, TimeSpan limit)
    {
        using var deadline = new CancellationTokenSource(limit);
        var buffer = new byte[1];
        try
        {
            await socket.SendAsync(new byte[] { (byte)'x' }, SocketFlags.None, deadline.Token);
            return await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) == 1 ? Outcome.Answered : Outcome.Closed;
        }
        catch (OperationCanceledException)
        {
            return Outcome.Silent;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
        {
            return Outcome.Closed;
        }
    }
}
