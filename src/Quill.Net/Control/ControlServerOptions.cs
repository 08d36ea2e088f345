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

    /// <summary>Told about a dispatcher or ACL callback that threw; that connection is closed with no reply.</summary>
    public Action<Exception>? OnCallbackError { get; init; }
}
