namespace Quill.Net.Forwarding;

/// <summary>How bytes are copied between a client and its backend.</summary>
public enum ForwardingMode
{
    /// <summary>splice(2) between TCP sockets on Linux when no filter sees the stream; buffered otherwise.</summary>
    Auto,

    /// <summary>splice(2) between any stream sockets (TCP or unix) on Linux when no filter sees the stream.</summary>
    Splice,

    /// <summary>Always through pooled user-space buffers.</summary>
    Buffered,
}
