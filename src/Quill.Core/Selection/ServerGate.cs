using Quill.Core.Configuration;
using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>
/// pen's try_server without the socket: the checks a server must pass for this client, and on success the
/// reservation. Unlike pen, which counts a connection only once connect completes, the count goes up as soon
/// as the server is chosen, so a burst of new clients spreads in weight mode and limits hold under concurrency.
/// An unused slot (wildcard address) is refused too, where pen, whose hash ignores availability, would connect to it;
/// so is a server that is down, draining (except as the last resort) or in maintenance.
/// Called under the selector's lock.
/// </summary>
internal sealed class ServerGate(ServerTable servers, ClientTable clients)
{
    /// <summary>pen's current: the last server a connection was reserved on.</summary>
    public int Current { get; private set; }

    public IClientAdmission? Admission { get; set; }

    public bool TryReserve(int index, ref ConnectionAttempt attempt, in SelectionContext context)
    {
        var server = servers[index];
        if (server is null
            || server.Port == 0
            || !ServerLimits.IsAvailable(server, context))
        {
            return false;
        }

        var sticky = clients.StoredServer(attempt.ClientSlot, attempt.ClientGeneration) == index;
        if (ServerLimits.IsOverLimit(server, sticky) || Admission?.AllowsServer(index, attempt.Client) == false)
        {
            return false;
        }

        server.Connections++;
        if (!context.Has(SelectionFlags.NoSave))
        {
            clients.StoreServer(attempt.ClientSlot, attempt.ClientGeneration, index);
        }

        Current = index;
        attempt.Server = index;
        attempt.ServerEndPoint = server.EndPoint;
        attempt.ServerFailedAt = server.FailedAt;
        attempt.HoldsServer = true;
        return true;
    }

    /// <summary>Gives back the connection an attempt holds; the count never goes below 0.</summary>
    public void Release(ref ConnectionAttempt attempt)
    {
        if (!attempt.HoldsServer)
        {
            return;
        }

        if (servers[attempt.Server] is { } server)
        {
            server.Connections = Math.Max(0, server.Connections - 1);
            if (server.Removed && server.Connections == 0 && ServerIndex.IsRegular(attempt.Server))
            {
                servers.Retire(attempt.Server);
            }
        }

        attempt.HoldsServer = false;
    }
}
