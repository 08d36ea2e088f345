namespace Quill.Net.Connections;

/// <summary>Bytes moved on one connection, each way.</summary>
public readonly record struct Traffic(long ToServer, long ToClient)
{
    public long Total => ToServer + ToClient;

    public static Traffic operator -(Traffic a, Traffic b) => new(a.ToServer - b.ToServer, a.ToClient - b.ToClient);
}
