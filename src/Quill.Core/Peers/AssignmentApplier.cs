using Quill.Core.Control;
using Quill.Core.Model;

namespace Quill.Core.Peers;

/// <summary>
/// Enters what a peer said into the client table, finding the server by its address and port: the peer's index
/// means nothing here. A server this quill does not have is left out (and counted), as is an older use.
/// </summary>
public sealed class AssignmentApplier(ServerTable servers, ClientTable clients, TimeProvider time)
{
    private Dictionary<(string Address, int Port), int> _byAddress = [];

    public enum Outcome { Applied, Older, UnknownServer }

    public Outcome Apply(in ClientAssignment assignment)
    {
        var server = Find(assignment.ServerAddress, assignment.ServerPort);
        if (server == ServerIndex.None) return Outcome.UnknownServer;
        return clients.Apply(assignment.Client, server, time.GetUtcNow() - assignment.Age) ? Outcome.Applied : Outcome.Older;
    }

    /// <summary>How a peer is told of server <paramref name="index"/>; null for a slot no peer could match.</summary>
    public static (string Address, int Port)? AddressOf(ServerTable servers, int index)
    {
        if (!ServerIndex.IsRegular(index) || servers[index] is not { IsUsed: true, Port: > 0 } server) return null;
        return (ServerCommands.AddressText(server.EndPoint), server.Port);
    }

    private int Find(string address, int port)
    {
        // The map is rebuilt when it misses or is stale: `server N address` and reloads change addresses under it.
        if (_byAddress.TryGetValue((address, port), out var index) && AddressOf(servers, index) == (address, port)) return index;
        _byAddress = [];
        var regular = servers.Regular;
        for (var i = 0; i < regular.Count; i++)
        {
            if (AddressOf(servers, i) is { } key && !regular[i].Removed) _byAddress.TryAdd(key, i);
        }

        return _byAddress.TryGetValue((address, port), out index) ? index : ServerIndex.None;
    }
}
