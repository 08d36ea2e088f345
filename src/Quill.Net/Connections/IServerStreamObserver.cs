namespace Quill.Net.Connections;

/// <summary>
/// Sees, and never changes or holds up, the server-to-client byte stream of one connection (the HTTP status of each
/// answer, for the JSON access log). A direction with one never splices. Called from that direction only. What it
/// remembers between chunks moves with the connection on a takeover.
/// </summary>
public interface IServerStreamObserver : Takeover.ITakeoverState
{
    /// <summary>Called with each chunk read from the server, before it goes to the client.</summary>
    void OnServerData(ReadOnlySpan<byte> chunk);
}
