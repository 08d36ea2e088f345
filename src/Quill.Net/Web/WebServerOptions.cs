namespace Quill.Net.Web;

/// <summary>Limits for the web endpoint: what one reader, or many, may cost.</summary>
public sealed record WebServerOptions
{
    /// <summary>How long a reader may take to send its request head; a silent one is closed without an answer.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long sending the answer (to a reader that does not read, say) may take before it is dropped.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest request head accepted (request line and headers); larger ones get 431.</summary>
    public int MaxHeadBytes { get; init; } = 8192;

    /// <summary>Readers served at once; further connections are closed at accept.</summary>
    public int MaxConnections { get; init; } = 1024;

    public int Backlog { get; init; } = 128;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Told about a page or ACL callback that threw; that reader gets 500 or is closed.</summary>
    public Action<Exception>? OnCallbackError { get; init; }
}
