using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>What OpenSslCipherList asks of libssl: a scratch SSL_CTX that parses a cipher string and lists the
/// suites it chose. OPENSSL_sk_* and ERR_* are libcrypto's, found through libssl as OpenSSL_version is.</summary>
internal static partial class LibSsl
{
    [LibraryImport("libssl.so.3", EntryPoint = "TLS_server_method")]
    public static partial nint TlsServerMethod();

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_new")]
    public static partial nint SslCtxNew(nint method);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_free")]
    public static partial void SslCtxFree(nint context);

    /// <returns>1 on success, 0 when nothing in the string selects a TLS 1.2 suite.</returns>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_set_cipher_list", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SslCtxSetCipherList(nint context, string list);

    /// <returns>1 on success, 0 when a name is not a TLS 1.3 suite.</returns>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_set_ciphersuites", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SslCtxSetCipherSuites(nint context, string suites);

    /// <summary>The context's STACK_OF(SSL_CIPHER): TLS 1.3 suites first, then TLS 1.2 in preference order.</summary>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_get_ciphers")]
    public static partial nint SslCtxGetCiphers(nint context);

    [LibraryImport("libssl.so.3", EntryPoint = "OPENSSL_sk_num")]
    public static partial int StackCount(nint stack);

    [LibraryImport("libssl.so.3", EntryPoint = "OPENSSL_sk_value")]
    public static partial nint StackValue(nint stack, int index);

    /// <summary>The suite's two-byte IANA number, which is <see cref="System.Net.Security.TlsCipherSuite"/>'s value.</summary>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CIPHER_get_protocol_id")]
    public static partial ushort CipherProtocolId(nint cipher);

    [LibraryImport("libssl.so.3", EntryPoint = "ERR_clear_error")]
    public static partial void ErrClearError();

    [LibraryImport("libssl.so.3", EntryPoint = "ERR_get_error")]
    public static partial nuint ErrGetError();

    /// <summary>The reason part of an error code ("no cipher match"), or null.</summary>
    [LibraryImport("libssl.so.3", EntryPoint = "ERR_reason_error_string")]
    public static partial nint ErrReasonErrorString(nuint error);
}
