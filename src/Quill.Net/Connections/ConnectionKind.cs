namespace Quill.Net.Connections;

/// <summary>What a connection carries, for the decisions its lifecycle makes about it.</summary>
public enum ConnectionKind
{
    /// <summary>Plain TCP (or a unix socket): a byte stream, filtered by -H, the access log and dumps.</summary>
    Tcp,

    /// <summary>TLS terminated here: the decrypted stream is filtered, and X-Forwarded-Proto says https.</summary>
    Tls,

    /// <summary>A UDP session: datagrams, never filtered.</summary>
    Udp,
}
