namespace Quill.Core.Model;

/// <summary>
/// The regular servers 0..N-1 plus the hidden emergency and abuse slots. The table only grows (a removed server's slot
/// becomes unused, it is not taken out); a change swaps in a new array, so readers always see a complete snapshot without locking.
/// </summary>
public sealed class ServerTable
{
    private volatile ServerState[] _regular;

    public ServerTable(IEnumerable<ServerState> regular, ServerState? emergency, ServerState? abuse)
    {
        ArgumentNullException.ThrowIfNull(regular);
        _regular = [.. regular];
        Emergency = emergency;
        Abuse = abuse;
    }

    /// <summary>Number of regular servers (pen's nservers, used and unused slots alike).</summary>
    public int Count => _regular.Length;

    /// <summary>The regular servers, in index order.</summary>
    public IReadOnlyList<ServerState> Regular => _regular;

    /// <summary>-e: tried only when failover finds nothing; null when not configured.</summary>
    public ServerState? Emergency { get; }

    /// <summary>-B: where clients denied by client_acl go; null when not configured.</summary>
    public ServerState? Abuse { get; }

    /// <summary>The server at a pen index (0..N-1, <see cref="ServerIndex.Emergency"/>, <see cref="ServerIndex.Abuse"/>); null when there is none.</summary>
    public ServerState? this[int index]
    {
        get
        {
            var regular = _regular;
            return index switch
            {
                >= 0 when index < regular.Length => regular[index],
                ServerIndex.Emergency => Emergency,
                ServerIndex.Abuse => Abuse,
                _ => null,
            };
        }
    }

    internal ServerState[] Slots => _regular;

    /// <summary>Appends a regular server and returns its index. Called under the selector's lock.</summary>
    internal int Add(ServerState server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var grown = new ServerState[_regular.Length + 1];
        _regular.CopyTo(grown, 0);
        grown[^1] = server;
        _regular = grown;
        return grown.Length - 1;
    }

    /// <summary>Makes slot <paramref name="index"/> an unused one (a removed server whose last connection ended), in a
    /// new array like a growth. Called under the selector's lock.</summary>
    internal void Retire(int index)
    {
        var retired = (ServerState[])_regular.Clone();
        retired[index] = ServerState.Unused();
        _regular = retired;
    }

    /// <summary>Adds unused slots up to <paramref name="count"/> servers in one new array (one copy, not one per slot:
    /// "server 65535" would otherwise copy the table 65,535 times while holding the selector's lock).</summary>
    internal void GrowTo(int count, Func<ServerState> unusedSlot)
    {
        ArgumentNullException.ThrowIfNull(unusedSlot);
        if (count <= _regular.Length) return;
        var grown = new ServerState[count];
        _regular.CopyTo(grown, 0);
        for (var i = _regular.Length; i < count; i++) grown[i] = unusedSlot();
        _regular = grown;
    }
}
