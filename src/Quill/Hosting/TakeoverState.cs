using System.Net;
using Quill.Core.Model;
using Quill.Core.Selection;

namespace Quill.Hosting;

/// <summary>
/// The takeover's last message: each server's byte counters and the client table (with each client's server, so
/// sticky clients keep it), as they stand once the last relay has been counted; then the servers a reload removed,
/// which the handed configuration still names (a process of the previous version sends none).
/// </summary>
internal static class TakeoverState
{
    /// <summary>The servers a reload has removed, read with the configuration handed over: handing their connections
    /// over empties their slots here before the last message goes.</summary>
    public static int[] Removed(ServerSelector selector)
    {
        var servers = selector.Servers.Regular;
        return [.. Enumerable.Range(0, servers.Count).Where(i => servers[i].Removed)];
    }

    public static void Write(BinaryWriter writer, ServerSelector selector, int[] removed)
    {
        var servers = selector.Servers.Regular;
        writer.Write(servers.Count);
        foreach (var server in servers)
        {
            writer.Write(server.SentToServer);
            writer.Write(server.ReceivedFromServer);
        }
        var clients = selector.Clients.Snapshot();
        writer.Write(clients.Count);
        foreach (var client in clients)
        {
            var address = client.Address?.GetAddressBytes() ?? [];
            writer.Write(address.Length);
            writer.Write(address);
            writer.Write(client.Last.UtcTicks);
            writer.Write(client.Server);
            writer.Write(client.Connects);
            writer.Write(client.SentToClient);
            writer.Write(client.ReceivedFromClient);
        }
        writer.Write(removed.Length);
        foreach (var index in removed) writer.Write(index);
    }

    /// <summary>Adds what the previous process counted to this one's servers and client table, and removes what it had removed.</summary>
    /// <param name="arriving">Whether a connection moving here holds server N (its slot stays until that one ends).</param>
    /// <returns>The servers removed.</returns>
    public static int[] Apply(BinaryReader reader, ServerSelector selector, Func<int, bool> arriving)
    {
        var servers = reader.ReadInt32();
        for (var i = 0; i < servers; i++) selector.AddMovedCounters(i, reader.ReadInt64(), reader.ReadInt64());
        var clients = reader.ReadInt32();
        for (var i = 0; i < clients; i++)
        {
            var length = reader.ReadInt32();
            var address = length == 0 ? null : new IPAddress(reader.ReadBytes(length));
            var last = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            selector.Clients.Merge(new ClientEntry(-1, address, last, reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64()));
        }
        if (reader.BaseStream.Position == reader.BaseStream.Length) return [];
        var removed = new int[reader.ReadInt32()];
        for (var i = 0; i < removed.Length; i++) removed[i] = reader.ReadInt32();
        selector.KeepRemoved(removed, arriving);
        return removed;
    }
}
