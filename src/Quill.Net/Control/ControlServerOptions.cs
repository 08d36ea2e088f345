namespace Quill.Net.Control;

/// <summary>Limits for control connections; the defaults suit penctl.</summary>
public sealed record ControlServerOptions
{
    /// <summary>How long a client may take to send its whole command line; a silent client is closed with no reply.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long sending the reply and waiting for the client to close may take.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest command accepted, its line end not counted; pen read at most 4095 bytes.</summary>
    public int MaxCommandBytes { get; init; } = 4096;

    public int Backlog { get; init; } = 128;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The file mode of a unix control socket: set on the socket before bind, so its file never exists with a wider
    /// one, and on the file after bind, so the umask does not narrow it. 0600 by default: only its owner and root may connect.
    /// </summary>
    public uint UnixSocketMode { get; init; } = 0x180;

    /// <summary>The user and group a unix control socket's file is given after bind (the -u user, so that with mode
    /// 0600 that user, besides root, may connect); null leaves the creator's.</summary>
    public (uint User, uint Group)? UnixSocketOwner { get; init; }

    /// <summary>Told about a dispatcher or ACL callback that threw; that connection is closed with no reply.</summary>
    public Action<Exception>? OnCallbackError { get; init; }
}
