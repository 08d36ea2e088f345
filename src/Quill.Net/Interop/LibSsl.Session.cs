using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>One TLS connection (SSL) in libssl: made on a socket, handshaken, read, written and shut down.</summary>
internal static unsafe partial class LibSsl
{
    public const int ErrorNone = 0;
    public const int ErrorSsl = 1;
    public const int ErrorWantRead = 2;
    public const int ErrorWantWrite = 3;
    public const int ErrorSyscall = 5;
    public const int ErrorZeroReturn = 6;

    private const int CtrlSetStatusResponse = 71;
    private const int NameTypeHostName = 0;

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_new")]
    public static partial nint SslNew(nint context);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_free")]
    public static partial void SslFree(nint ssl);

    /// <returns>1 on success.</returns>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_set_fd")]
    public static partial int SslSetFd(nint ssl, int fd);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_set_accept_state")]
    public static partial void SslSetAcceptState(nint ssl);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_do_handshake")]
    public static partial int SslDoHandshake(nint ssl);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_read")]
    public static partial int SslRead(nint ssl, byte* buffer, int length);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_write")]
    public static partial int SslWrite(nint ssl, byte* buffer, int length);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_shutdown")]
    public static partial int SslShutdown(nint ssl);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_get_error")]
    public static partial int SslGetError(nint ssl, int result);

    /// <summary>"TLSv1.3", "TLSv1.2": a static string.</summary>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_get_version")]
    public static partial nint SslGetVersion(nint ssl);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_get_current_cipher")]
    public static partial nint SslGetCurrentCipher(nint ssl);

    /// <summary>The suite's IANA name (TLS_AES_128_GCM_SHA256).</summary>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CIPHER_standard_name")]
    public static partial nint CipherStandardName(nint cipher);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_get_servername")]
    private static partial nint SslGetServerName(nint ssl, int type);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_get0_peer_certificate")]
    public static partial nint SslGet0PeerCertificate(nint ssl);

    /// <summary>Moves the connection to another context (a certificate chosen by SNI); the SSL holds a reference to it.</summary>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_set_SSL_CTX")]
    public static partial nint SslSetSslCtx(nint ssl, nint context);

    /// <summary>ERR_error_string_n: one queued error as "error:0A00010B:SSL routines::wrong version number".</summary>
    [LibraryImport("libssl.so.3", EntryPoint = "ERR_error_string_n")]
    public static partial void ErrErrorStringN(nuint error, byte* buffer, nuint length);

    /// <summary>The SNI name the client sent, or null.</summary>
    public static string? ServerName(nint ssl) => Marshal.PtrToStringUTF8(SslGetServerName(ssl, NameTypeHostName));

    /// <summary>Staples <paramref name="response"/> (from a status callback); OpenSSL takes the copy made here.</summary>
    public static bool SslSetStatusResponse(nint ssl, ReadOnlySpan<byte> response)
    {
        var copy = CryptoMalloc((nuint)response.Length, "quill", 0);
        if (copy == 0) return false;
        response.CopyTo(new Span<byte>((void*)copy, response.Length));
        _ = SslCtrl(ssl, CtrlSetStatusResponse, response.Length, copy);
        return true;
    }
}
