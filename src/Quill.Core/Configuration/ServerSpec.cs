namespace Quill.Core.Configuration;

/// <summary>
/// One backend as given on the command line: <c>host[:port[:soft[:hard[:weight[:prio]]]]]</c>,
/// <c>[v6addr][:port...]</c> or a unix socket path.
/// </summary>
/// <param name="Text">The spec exactly as written.</param>
/// <param name="Host">Host name or address literal (brackets removed). Null for unix sockets.</param>
/// <param name="Port">Port (defaults to the listen port when omitted). 0 for unix sockets.</param>
/// <param name="UnixPath">Socket path for a unix-domain backend, else null.</param>
/// <param name="Soft">Soft connection limit; 0 = unlimited.</param>
/// <param name="Hard">Hard limit for returning clients; 0 = same as soft.</param>
/// <param name="Weight">Weight for -W; 0 = never chosen in weight mode.</param>
/// <param name="Prio">Priority for prio mode; lowest wins.</param>
public sealed record ServerSpec(
    string Text, string? Host, int Port, string? UnixPath,
    int Soft = 0, int Hard = 0, int Weight = 0, int Prio = 0)
{
    public bool IsUnix => UnixPath is not null;
}
