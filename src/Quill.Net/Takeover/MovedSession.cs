namespace Quill.Net.Takeover;

/// <summary>
/// A UDP session handed from one quill to the next: its upstream socket, connected to its server (a descriptor of the
/// process holding the record), the client address its replies go to through the shared listen socket, and where
/// its lifecycle stood.
/// </summary>
/// <param name="ClientAddress">The client's address as the listen socket reports it (a sockaddr): the session's key.</param>
/// <param name="Answered">The server has answered on this socket; until then the session is still connecting.</param>
/// <param name="SentUncounted">Bytes sent before any answer, not yet counted to the server.</param>
/// <param name="FirstDatagram">Kept until the server answers, so a refusal can send it to the next server; empty once answered.</param>
/// <param name="Idle">How long no datagram has gone either way: the idle timeout counts on from there.</param>
public sealed record MovedSession(int UpstreamFd, byte[] ClientAddress, HandedOverConnection Connection, bool Answered,
    long SentUncounted, byte[] FirstDatagram, TimeSpan Idle) : IMovedConnection
{
    public int Server => Connection.Server;

    public int[] Descriptors => [UpstreamFd];

    public void CloseDescriptors() => Interop.Libc.Close(UpstreamFd);

    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(ClientAddress.Length);
        writer.Write(ClientAddress);
        Connection.Write(writer);
        writer.Write(Answered);
        writer.Write(SentUncounted);
        writer.Write(FirstDatagram.Length);
        writer.Write(FirstDatagram);
        writer.Write(Idle.Ticks);
    }

    /// <summary>Reads what <see cref="Write"/> wrote; <paramref name="upstreamFd"/> came with it.</summary>
    public static MovedSession Read(BinaryReader reader, int upstreamFd)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var address = reader.ReadBytes(reader.ReadInt32());
        var connection = HandedOverConnection.Read(reader);
        var answered = reader.ReadBoolean();
        var uncounted = reader.ReadInt64();
        var first = reader.ReadBytes(reader.ReadInt32());
        return new MovedSession(upstreamFd, address, connection, answered, uncounted, first, TimeSpan.FromTicks(reader.ReadInt64()));
    }
}
