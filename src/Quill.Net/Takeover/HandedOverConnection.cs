using System.Net;
using Quill.Net.Connections;

namespace Quill.Net.Takeover;

/// <summary>
/// What a connection's lifecycle tells the next process about it: whose it is, where it goes, what it carried, and
/// what its watchers (-H, the access logs) have seen.
/// </summary>
public readonly record struct HandedOverConnection(IPAddress? Client, int ClientPort, int Server, Traffic Traffic, MovedWatchers Watchers)
{
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var address = Client?.GetAddressBytes() ?? [];
        writer.Write(address.Length);
        writer.Write(address);
        writer.Write(ClientPort);
        writer.Write(Server);
        writer.Write(Traffic.ToServer);
        writer.Write(Traffic.ToClient);
        Watchers.Write(writer);
    }

    public static HandedOverConnection Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var length = reader.ReadInt32();
        var client = length == 0 ? null : new IPAddress(reader.ReadBytes(length));
        var port = reader.ReadInt32();
        var server = reader.ReadInt32();
        var traffic = new Traffic(reader.ReadInt64(), reader.ReadInt64());
        return new HandedOverConnection(client, port, server, traffic, MovedWatchers.Read(reader));
    }
}
