namespace Quill.Net.Forwarding;

/// <summary>How bytes are copied between a client and its backend.</summary>
public enum ForwardingMode
{
    /// <summary>
    /// Between TCP sockets on Linux with no filter: small messages through buffers, bulk transfers by splice(2)
    /// (from a read that fills the whole buffer until a short one). Buffered otherwise.
    /// </summary>
    Auto,

    /// <summary>splice(2) for every byte between any stream sockets (TCP or unix) on Linux when no filter sees the stream.</summary>
    Splice,

    /// <summary>Always through pooled user-space buffers.</summary>
    Buffered,
}
