namespace Quill.Net.Connections;

/// <summary>
/// One connection's bytes as its relay delivers them. Each direction is counted by one thread (the two may differ);
/// every <see cref="ReportEvery"/> bytes a direction asks its lifecycle to pass the news on to the server and client
/// counters, and a once-a-second sweep passes on the rest, so status pages see bytes as they go.
/// </summary>
public sealed class TrafficCounter
{
    /// <summary>The most one direction moves before the counters hear of it (unless a second passes first).</summary>
    public const long ReportEvery = 64 * 1024;

    private readonly Action _report;
    private long _toServer;
    private long _toClient;
    private long _toServerUnreported;
    private long _toClientUnreported;

    internal TrafficCounter(Action report) => _report = report;

    /// <summary>A connection taken over: it goes on from what the previous process counted.</summary>
    internal TrafficCounter(Action report, Traffic carried) : this(report) => (_toServer, _toClient) = (carried.ToServer, carried.ToClient);

    /// <summary>What has been delivered so far; from any thread.</summary>
    public Traffic Total => new(Volatile.Read(ref _toServer), Volatile.Read(ref _toClient));

    /// <summary>Bytes delivered to the server (after any filter).</summary>
    public void ToServer(long bytes) => Count(ref _toServer, ref _toServerUnreported, bytes);

    /// <summary>Bytes delivered to the client.</summary>
    public void ToClient(long bytes) => Count(ref _toClient, ref _toClientUnreported, bytes);

    private void Count(ref long total, ref long unreported, long bytes)
    {
        Volatile.Write(ref total, total + bytes);
        unreported += bytes;
        if (unreported < ReportEvery) return;
        unreported = 0;
        _report();
    }
}
