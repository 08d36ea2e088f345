using System.Net;
using Quill.Net.Connections;

namespace Quill.Net.Takeover;

/// <summary>One direction of a relay as it moves: the bytes read but not yet delivered, and how far its EOF has gone.</summary>
/// <param name="Pending">Read from the source, not yet taken by the destination (held, or in the splice pipe).</param>
/// <param name="EofSeen">The source's EOF has been read; it is passed on once <paramref name="Pending"/> is delivered.</param>
/// <param name="Finished">The EOF has been passed on: the destination is shut for writing.</param>
/// <param name="FilterEnded">The client-stream filter has been told of the EOF (its last output is in <paramref name="Pending"/>).</param>
public sealed record MovedDirection(byte[] Pending, bool EofSeen, bool Finished, bool FilterEnded);

/// <summary>
/// A plain-TCP relay handed from one quill to the next: both sockets (descriptors of the process holding the record),
/// the client and server it belongs to, what it has carried so far, each direction's state, and the states of what
/// watched its bytes.
/// </summary>
public sealed record MovedRelay(
    int ClientFd, int ServerFd, HandedOverConnection Connection, MovedDirection ToServer, MovedDirection ToClient) : IMovedConnection
{
    public int Server => Connection.Server;

    public int[] Descriptors => [ClientFd, ServerFd];

    public void CloseDescriptors()
    {
        Interop.Libc.Close(ClientFd);
        Interop.Libc.Close(ServerFd);
    }

    public void Write(BinaryWriter writer)
    {
        Connection.Write(writer);
        WriteDirection(writer, ToServer);
        WriteDirection(writer, ToClient);
    }

    /// <summary>Reads what <see cref="Write"/> wrote; <paramref name="clientFd"/> and <paramref name="serverFd"/> came with it.</summary>
    public static MovedRelay Read(BinaryReader reader, int clientFd, int serverFd)
    {
        var connection = HandedOverConnection.Read(reader);
        return new MovedRelay(clientFd, serverFd, connection, ReadDirection(reader), ReadDirection(reader));
    }

    private static void WriteDirection(BinaryWriter writer, MovedDirection direction)
    {
        writer.Write(direction.Pending.Length);
        writer.Write(direction.Pending);
        writer.Write(direction.EofSeen);
        writer.Write(direction.Finished);
        writer.Write(direction.FilterEnded);
    }

    private static MovedDirection ReadDirection(BinaryReader reader)
    {
        var pending = reader.ReadBytes(reader.ReadInt32());
        return new MovedDirection(pending, reader.ReadBoolean(), reader.ReadBoolean(), reader.ReadBoolean());
    }
}
