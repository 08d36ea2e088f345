namespace Quill.Core.Configuration;

/// <summary>
/// Where quill listens, as given on the command line: <c>port</c>, <c>host:port</c>, <c>::1:port</c>,
/// <c>[::1]:port</c> or a unix socket path (any text containing '/').
/// </summary>
/// <param name="Text">The spec exactly as the operator wrote it (shown by status and control replies).</param>
/// <param name="Host">Host name or address literal; "0.0.0.0" when only a port was given. Null for unix sockets.</param>
/// <param name="Port">TCP port, 1-65535 (service names already resolved). 0 for unix sockets.</param>
/// <param name="UnixPath">Socket path for a unix-domain listener, else null.</param>
public sealed record ListenSpec(string Text, string? Host, int Port, string? UnixPath)
{
    public bool IsUnix => UnixPath is not null;
}
