using System.Net;
using Quill.Core.Model;
using Quill.Core.Selection;

namespace Quill.Hosting;

/// <summary>
/// The takeover's last message: each server's byte counters and the client table (with each client's server, so
/// sticky clients keep it), as they stand once the last relay has been counted.
/// </summary>
internal static class TakeoverState
{
    public static void Write(BinaryWriter writer, ServerSelector selector)
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
    }

    /// <summary>Adds what the previous process counted to this one's servers and client table.</summary>
    public static void Apply(BinaryReader reader, ServerSelector selector)
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
    }
}
