namespace Quill.Net.Connections;

/// <summary>Where a new TCP client is served; chosen by <see cref="ConnectionServices.PathForNewClient"/> alone.</summary>
public enum ClientPath
{
    /// <summary>Relayed on the event loop with direct syscalls; with -E, TLS is terminated there too.</summary>
    EventLoop,

    /// <summary>dummy: answered by quill's own minimal web server, no backend.</summary>
    Dummy,
}
