namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>The ways a stress client reaches the backend through quill.</summary>
public enum StressTransport
{
    /// <summary>TCP in, TCP out: the event loop's read/send and splice paths.</summary>
    Tcp,

    /// <summary>TCP with --sockmap: the kernel relays the bytes (BPF sockmap) and quill passes on the ends.</summary>
    TcpSockmap,

    /// <summary>TCP with -H and random, non-HTTP bytes: the client direction goes through the HTTP filter.</summary>
    HttpFilterNonHttp,

    /// <summary>TLS terminated by quill (-E/-K), TCP to the backend: libssl on the event loop. TLS 1.3 is chosen.</summary>
    Tls,

    /// <summary>The same with -L tls1.2, whose close_notify has no half-close of its own in the RFC (1.3's has).</summary>
    Tls12,

    /// <summary>A unix socket listener in front of a unix socket server.</summary>
    Unix,
}
