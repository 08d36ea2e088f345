namespace Quill.Net.Connections;

/// <summary>Where a new TCP client is served; chosen by <see cref="ConnectionServices.PathForNewClient"/> alone.</summary>
public enum ClientPath
{
    /// <summary>Relayed on the event loop with direct syscalls: everything that is not TLS.</summary>
    EventLoop,

    /// <summary>-E: TLS terminated by .NET's SslStream, bytes through the stream copier.</summary>
    Tls,

    /// <summary>dummy: answered by quill's own minimal web server, no backend.</summary>
    Dummy,
}
