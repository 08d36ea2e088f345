using System.Net;

namespace Quill.Core.Proxy;

/// <summary>What reading the start of a stream as a PROXY protocol header found.</summary>
public enum ProxyParseStatus
{
    /// <summary>Every byte so far fits a header that has not ended: read more.</summary>
    Incomplete,

    /// <summary>Not a header quill accepts: the connection is to be closed.</summary>
    Invalid,

    /// <summary>A whole header of <see cref="ProxyHeader.Length"/> bytes; what follows is the client's stream.</summary>
    Complete,
}

/// <summary>One parse of a PROXY header.</summary>
/// <param name="Length">The header's bytes (Complete only): exactly what the receiver removes from the stream.</param>
/// <param name="Error">Why a header is Invalid, one line for the log.</param>
/// <param name="Source">The announced client; null when the header names none (v1 UNKNOWN, v2 LOCAL, AF_UNSPEC,
/// AF_UNIX), in which case the connection's own addresses stand, as the spec says.</param>
/// <param name="Destination">The address the client connected to, announced alike.</param>
public readonly record struct ProxyHeader(
    ProxyParseStatus Status, int Length, string? Error, ProxyVersion Version, IPEndPoint? Source, IPEndPoint? Destination)
{
    public static ProxyHeader Incomplete { get; } = new(ProxyParseStatus.Incomplete, 0, null, ProxyVersion.Off, null, null);

    public static ProxyHeader Invalid(string error) => new(ProxyParseStatus.Invalid, 0, error, ProxyVersion.Off, null, null);
}
