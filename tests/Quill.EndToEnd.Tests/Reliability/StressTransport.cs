namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>The ways a stress client reaches the backend through quill.</summary>
public enum StressTransport
{
    /// <summary>TCP in, TCP out: the event loop's read/send and splice paths.</summary>
    Tcp,

    /// <summary>TCP with -H and random, non-HTTP bytes: the client direction goes through the HTTP filter.</summary>
    HttpFilterNonHttp,

    /// <summary>TLS terminated by quill (-E/-K), TCP to the backend: SslStream and the stream copier.</summary>
    Tls,

    /// <summary>A unix socket listener in front of a unix socket server.</summary>
    Unix,
}
