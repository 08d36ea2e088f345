using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>
/// The backend of the byte-exactness stress tests. Each connection opens with an <see cref="ExchangeHeader"/>; the
/// backend then sends the pseudo-random reply it asks for and hashes everything the client sends after the header
/// until the client's end, in the header's order, and records both digests under the connection's id. A connection
/// that ends before its first byte is counted as empty: 0 bytes each way, header included.
/// </summary>
internal sealed class ExchangeBackend : IDisposable
{
    private readonly SocketAcceptor _acceptor;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<ExchangeRecord>> _records = new();
    private int _empty;
    private int _shortHeaders;

    public ExchangeBackend(EndPoint endpoint) => _acceptor = new SocketAcceptor([endpoint], ServeAsync);

    public string Spec => _acceptor.LocalEndPoint switch
    {
        IPEndPoint ip => $"127.0.0.1:{ip.Port}",
        var other => other.ToString()!,
    };

    /// <summary>Connections that ended before sending anything.</summary>
    public int Empty => Volatile.Read(ref _empty);

    /// <summary>Connections that ended inside their header: bytes lost or cut on the way.</summary>
    public int ShortHeaders => Volatile.Read(ref _shortHeaders);

    /// <summary>What the backend sent and received on connection <paramref name="id"/>, once the client's side ended.</summary>
    public Task<ExchangeRecord> RecordAsync(int id) => Record(id).Task;

    private TaskCompletionSource<ExchangeRecord> Record(int id) =>
        _records.GetOrAdd(id, _ => new TaskCompletionSource<ExchangeRecord>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task ServeAsync(Socket connection, CancellationToken stopping)
    {
        await using var stream = new NetworkStream(connection, ownsSocket: false);
        var bytes = new byte[ExchangeHeader.Length];
        var got = await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, stopping).ConfigureAwait(false);
        if (got < bytes.Length)
        {
            Interlocked.Increment(ref got == 0 ? ref _empty : ref _shortHeaders);
            return;
        }

        var header = ExchangeHeader.Parse(bytes);
        var record = Record(header.Id);
        try
        {
            record.TrySetResult(await ExchangeAsync(connection, stream, header, stopping).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            // The client waiting for this record learns why at once rather than at its timeout.
            record.TrySetException(e);
            throw;
        }
    }

    private static async Task<ExchangeRecord> ExchangeAsync(
        Socket connection, NetworkStream stream, ExchangeHeader header, CancellationToken stopping)
    {
        var writes = new TransferShape(header.ReplySeed ^ 0x5EED, header.PausePercent);
        var reads = new TransferShape(header.ReplySeed ^ 0x2EAD, header.PausePercent);
        Task<TransferDigest> Send() => ShapedTransfer.SendAsync(stream, header.ReplyLength, header.ReplySeed, writes, () =>
        {
            connection.Shutdown(SocketShutdown.Send);
            return ValueTask.CompletedTask;
        }, stopping);
        Task<TransferDigest> Receive() => ShapedTransfer.ReceiveAsync(stream, reads, stopping);

        switch (header.Order)
        {
            case ExchangeOrder.ClientFirst:
            {
                var received = await Receive().ConfigureAwait(false);
                return new ExchangeRecord(await Send().ConfigureAwait(false), received);
            }
            case ExchangeOrder.ServerFirst:
            {
                var sent = await Send().ConfigureAwait(false);
                return new ExchangeRecord(sent, await Receive().ConfigureAwait(false));
            }
            default:
            {
                var sending = Send();
                var received = await Receive().ConfigureAwait(false);
                return new ExchangeRecord(await sending.ConfigureAwait(false), received);
            }
        }
    }

    public void Dispose() => _acceptor.Dispose();
}

/// <summary>The backend's digests of one connection: what it sent down and what it received up.</summary>
internal readonly record struct ExchangeRecord(TransferDigest Sent, TransferDigest Received);
