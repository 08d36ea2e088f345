using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.Net.Listening;

namespace Quill.Net.Control;

/// <summary>One control connection: ACL check, one command line in, the reply out, close.</summary>
internal static class ControlSession
{
    internal sealed record Settings(
        Func<IPAddress?, bool> IsPermitted,
        Func<string, string> Dispatch,
        ControlServerOptions Options,
        SemaphoreSlim DispatchGate);

    public static async Task RunAsync(Socket socket, Settings settings, CancellationToken stopping)
    {
        var options = settings.Options;
        byte[]? buffer = null;
        try
        {
            if (!IsPermitted(socket, settings))
            {
                return;
            }
            LineRead line;
            using (var reading = new Deadline(options.ReadTimeout, options.TimeProvider, stopping))
            {
                // Waiting with an empty buffer first means a silent client holds no memory, as in Kestrel.
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, reading.Token).ConfigureAwait(false);
                // One byte more than the limit, so a full-length command still has room for its line end.
                buffer = ArrayPool<byte>.Shared.Rent(options.MaxCommandBytes + 1);
                line = await ReadLineAsync(socket, buffer.AsMemory(0, options.MaxCommandBytes + 1), reading.Token)
                    .ConfigureAwait(false);
            }

            string? reply;
            if (line.TooLong)
            {
                reply = string.Create(CultureInfo.InvariantCulture, $"control: command longer than {options.MaxCommandBytes} bytes\n");
            }
            else if (line.Length == 0 && line.AtEof)
            {
                return;
            }
            else
            {
                reply = await DispatchAsync(Encoding.Latin1.GetString(buffer, 0, line.Length), settings, stopping)
                    .ConfigureAwait(false);
            }
            if (reply is not null)
            {
                await ReplyAndClose.RunAsync(socket, Encoding.Latin1.GetBytes(reply), buffer, options.ReplyTimeout,
                    options.TimeProvider, stopping).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Timed out, reset by the peer, or the server is stopping: the connection just closes.
        }
        finally
        {
            socket.Dispose();
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private readonly record struct LineRead(int Length, bool AtEof, bool TooLong);

    /// <summary>Reads until the first '\r' or '\n' (text after it is ignored, as in pen), EOF, or a full buffer.</summary>
    private static async Task<LineRead> ReadLineAsync(Socket socket, Memory<byte> buffer, CancellationToken token)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var received = await socket.ReceiveAsync(buffer[filled..], SocketFlags.None, token).ConfigureAwait(false);
            if (received == 0)
            {
                // A final line without newline counts, as it did for pen's single recv.
                return new LineRead(filled, AtEof: true, TooLong: false);
            }
            var end = buffer.Span.Slice(filled, received).IndexOfAny((byte)'\r', (byte)'\n');
            if (end >= 0)
            {
                return new LineRead(filled + end, AtEof: false, TooLong: false);
            }
            filled += received;
        }
        return new LineRead(filled, AtEof: false, TooLong: true);
    }

    private static bool IsPermitted(Socket socket, Settings settings)
    {
        var peer = socket.AddressFamily == AddressFamily.Unix ? null : (socket.RemoteEndPoint as IPEndPoint)?.Address;
        return GuardedCallback.TryCall(settings.IsPermitted, peer, settings.Options.OnCallbackError, out var permitted) && permitted;
    }

    /// <returns>The reply, or null when the dispatcher threw.</returns>
    private static async Task<string?> DispatchAsync(string command, Settings settings, CancellationToken stopping)
    {
        await settings.DispatchGate.WaitAsync(stopping).ConfigureAwait(false);
        try
        {
            return GuardedCallback.TryCall(settings.Dispatch, command, settings.Options.OnCallbackError, out var reply) ? reply : null;
        }
        finally
        {
            settings.DispatchGate.Release();
        }
    }
}
