using System.Runtime.InteropServices;
using Quill.Core.Proxy;
using Quill.Net.Interop;

namespace Quill.Net.Tls;

/// <summary>
/// The server side of one client's TLS connection (an OpenSSL SSL on the client's non-blocking socket): the handshake,
/// then reads and writes of plaintext, then close_notify. Every call returns at once; one that needs the socket
/// readable or writable says which (<see cref="TlsStep"/>). Used on the connection's event loop only. OpenSSL's error
/// queue, which is per thread, is emptied after each failure, so SSL_get_error never sees a stale error.
/// </summary>
internal sealed unsafe class TlsSession : IDisposable
{
    private nint _ssl;

    private TlsSession(nint ssl) => _ssl = ssl;

    /// <summary>A session on <paramref name="fd"/> with <paramref name="context"/>; null when OpenSSL cannot make one.</summary>
    public static TlsSession? Accept(nint context, int fd)
    {
        var ssl = LibSsl.SslNew(context);
        if (ssl != 0 && LibSsl.SslSetFd(ssl, fd) == 1)
        {
            LibSsl.SslSetAcceptState(ssl);
            return new TlsSession(ssl);
        }
        if (ssl != 0) LibSsl.SslFree(ssl);
        LibSsl.ErrClearError();
        return null;
    }

    /// <summary>Why the handshake failed: "protocol" (TLS refused) or "io" (the client closed or reset), for /metrics.</summary>
    public string FailureReason { get; private set; } = "io";

    /// <summary>Why the handshake failed, in OpenSSL's words, for the debug log.</summary>
    public string FailureText { get; private set; } = "";

    /// <summary>Takes the handshake as far as the socket allows.</summary>
    public TlsStep Handshake()
    {
        var result = LibSsl.SslDoHandshake(_ssl);
        if (result == 1) return TlsStep.Done;
        var error = LibSsl.SslGetError(_ssl, result);
        switch (error)
        {
            case LibSsl.ErrorWantRead:
                return TlsStep.WantRead;
            case LibSsl.ErrorWantWrite:
                return TlsStep.WantWrite;
            case LibSsl.ErrorSsl:
                (FailureReason, FailureText) = ("protocol", SslServerContext.TakeErrors());
                return TlsStep.Failed;
            default:
                LibSsl.ErrClearError();
                (FailureReason, FailureText) = ("io", "the client closed or reset the connection");
                return TlsStep.Failed;
        }
    }

    /// <summary>Plaintext from the client: bytes read; 0 at its close_notify or FIN; -EAGAIN when the socket must
    /// become readable (or writable: <paramref name="wantsWrite"/>); -ECONNRESET when the connection failed.</summary>
    public long Read(byte* buffer, int length, out bool wantsWrite)
    {
        wantsWrite = false;
        var result = LibSsl.SslRead(_ssl, buffer, length);
        if (result > 0) return result;
        switch (LibSsl.SslGetError(_ssl, result))
        {
            case LibSsl.ErrorWantRead:
                return -Libc.EAGAIN;
            case LibSsl.ErrorWantWrite:
                wantsWrite = true;
                return -Libc.EAGAIN;
            case LibSsl.ErrorZeroReturn:
                return 0;
            default:
                LibSsl.ErrClearError();
                return -Libc.ECONNRESET;
        }
    }

    /// <summary>Plaintext to the client: bytes taken (whole records, SSL_MODE_ENABLE_PARTIAL_WRITE); -EAGAIN when the
    /// socket must become writable (or readable: <paramref name="wantsRead"/>), and the same bytes must be offered
    /// again; -EPIPE when the connection failed.</summary>
    public long Write(byte* data, int length, out bool wantsRead)
    {
        wantsRead = false;
        var result = LibSsl.SslWrite(_ssl, data, length);
        if (result > 0) return result;
        switch (LibSsl.SslGetError(_ssl, result))
        {
            case LibSsl.ErrorWantWrite:
                return -Libc.EAGAIN;
            case LibSsl.ErrorWantRead:
                wantsRead = true;
                return -Libc.EAGAIN;
            default:
                LibSsl.ErrClearError();
                return -Libc.EPIPE;
        }
    }

    /// <summary>Sends close_notify, without waiting for the client's: 0 once sent (or when it cannot be), -EAGAIN
    /// while the socket must become writable.</summary>
    public long CloseNotify()
    {
        var result = LibSsl.SslShutdown(_ssl);
        if (result >= 0) return 0;
        var error = LibSsl.SslGetError(_ssl, result);
        if (error is LibSsl.ErrorWantWrite or LibSsl.ErrorWantRead) return -Libc.EAGAIN;
        LibSsl.ErrClearError();
        return 0;
    }

    /// <summary>The version in OpenSSL's words ("TLSv1.3"), as haproxy and nginx name it in headers and logs.</summary>
    public string Version => Marshal.PtrToStringUTF8(LibSsl.SslGetVersion(_ssl)) ?? "unknown";

    /// <summary>The SNI name the client asked for; null when it sent none.</summary>
    public string? ServerName => LibSsl.ServerName(_ssl);

    /// <summary>The TLS fields of a v2 PROXY header: the suite by its IANA name (TLS_AES_128_GCM_SHA256).</summary>
    public ProxyTlsDetails ProxyDetails() =>
        new(Version, Marshal.PtrToStringUTF8(LibSsl.CipherStandardName(LibSsl.SslGetCurrentCipher(_ssl))) ?? "unknown", ServerName,
            LibSsl.SslGet0PeerCertificate(_ssl) != 0);

    public void Dispose()
    {
        if (_ssl == 0) return;
        LibSsl.SslFree(_ssl);
        _ssl = 0;
    }
}

/// <summary>Where a <see cref="TlsSession.Handshake"/> stopped.</summary>
internal enum TlsStep
{
    Done,

    /// <summary>Waiting for the client's next bytes.</summary>
    WantRead,

    /// <summary>Waiting for room in the socket's send buffer.</summary>
    WantWrite,

    Failed,
}
