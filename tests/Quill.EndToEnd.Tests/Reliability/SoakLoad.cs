using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// The client side of the soak: a fixed number of workers, each opening one short connection after another
/// (connect, one HTTP/1.0 GET, read to the end, close) until the connection count or the time limit is reached.
/// </summary>
internal sealed class SoakLoad
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\nHost: soak\r\n\r\n");
    private static readonly byte[] StatusLine = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n");
    private const int ReplyLimit = 1024;

    private readonly EndPoint _target;
    private readonly TimeSpan _clientTimeout;
    private readonly byte[][] _replyTails;
    private readonly int[] _servedBy;
    private int _next = -1;

    public SoakLoad(EndPoint target, int connections, int backends, TimeSpan clientTimeout)
    {
        _target = target;
        _clientTimeout = clientTimeout;
        Records = new SoakRecords(connections);
        _replyTails = Enumerable.Range(0, backends)
            .Select(index => Encoding.ASCII.GetBytes("\r\n\r\n" + SoakBackend.Reply(index))).ToArray();
        _servedBy = new int[backends];
    }

    public SoakRecords Records { get; }

    /// <summary>Complete replies from each backend.</summary>
    public IReadOnlyList<int> ServedBy => _servedBy;

    public Task RunAsync(int concurrency, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => WorkAsync(clock, limit))));
    }

    private async Task WorkAsync(Stopwatch clock, TimeSpan limit)
    {
        var buffer = new byte[ReplyLimit];
        while (clock.Elapsed < limit)
        {
            var index = Interlocked.Increment(ref _next);
            if (index >= Records.Capacity)
                return;
            var start = Stopwatch.GetTimestamp();
            var outcome = await ExchangeAsync(buffer).ConfigureAwait(false);
            Records.Write(index, start, Stopwatch.GetTimestamp(), outcome);
        }
    }

    private async Task<SoakOutcome> ExchangeAsync(byte[] buffer)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(_clientTimeout);
        try
        {
            await socket.ConnectAsync(_target, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return SoakOutcome.ConnectFailed;
        }
        try
        {
            await socket.SendAsync(Request, SocketFlags.None, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return SoakOutcome.SendFailed;
        }
        var length = 0;
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length == buffer.Length)
                    return SoakOutcome.WrongReply;
            }
        }
        catch (SocketException)
        {
            return SoakOutcome.BrokenAfterRequest;
        }
        catch (OperationCanceledException)
        {
            return SoakOutcome.TimedOut;
        }
        return Classify(buffer.AsSpan(0, length));
    }

    /// <summary>A reply is complete when it is nginx's 200 with one backend's whole body after the headers.</summary>
    private SoakOutcome Classify(ReadOnlySpan<byte> reply)
    {
        if (reply.IsEmpty)
            return SoakOutcome.BrokenAfterRequest;
        if (!reply.StartsWith(StatusLine))
            return SoakOutcome.WrongReply;
        for (var backend = 0; backend < _replyTails.Length; backend++)
        {
            if (reply.EndsWith(_replyTails[backend]))
            {
                Interlocked.Increment(ref _servedBy[backend]);
                return SoakOutcome.Completed;
            }
        }
        // Headers without the whole body: the stream was cut short.
        return SoakOutcome.BrokenAfterRequest;
    }
}
