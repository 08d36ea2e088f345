using System.Net;
using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>
/// pen's server choice for new connections: client tracking, the initial pick by mode, try_server's checks,
/// failover in index order, emergency server, blacklisting. Thread-safe; every method is short and never blocks.
/// </summary>
public sealed class ServerSelector
{
    public ServerSelector(ServerTable servers, ClientTable clients, SelectionSettings settings, TimeProvider time) =>
        throw new NotImplementedException();

    /// <summary>
    /// Records the client, picks the initial server and reserves a connection on the first server that accepts
    /// (initial pick, then the failover scan, then the emergency server). <paramref name="client"/> is null for
    /// unix-socket clients.
    /// </summary>
    public ConnectionAttempt Begin(IPAddress? client, int clientPort) => throw new NotImplementedException();

    /// <summary>The connect to attempt.Server failed or timed out: blacklist it, release it, fail over. False when nothing is left.</summary>
    public bool FailOver(ref ConnectionAttempt attempt) => throw new NotImplementedException();

    /// <summary>The connect succeeded.</summary>
    public void Connected(in ConnectionAttempt attempt) => throw new NotImplementedException();

    /// <summary>The connection ended: release the server's slot and add the byte counts.</summary>
    public void Finished(in ConnectionAttempt attempt, long bytesToServer, long bytesToClient) =>
        throw new NotImplementedException();
}
