using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>What a TLS server context needs of libssl: the certificate chain and key, protocols, suites, client
/// certificate checks, modes and options, and the servername and OCSP status callbacks.</summary>
internal static unsafe partial class LibSsl
{
    public const int FiletypePem = 1;

    public const int Tls12Version = 0x0303;
    public const int Tls13Version = 0x0304;

    private const int CtrlSetMinProtoVersion = 123;
    private const int CtrlSetMaxProtoVersion = 124;
    private const int CtrlSetDhAuto = 118;
    private const int CtrlSetServerNameCallback = 53;
    private const int CtrlSetServerNameArgument = 54;
    private const int CtrlSetStatusCallback = 63;
    private const int CtrlSetStatusArgument = 64;

    public const nint ModeEnablePartialWrite = 0x1;
    public const nint ModeAcceptMovingWriteBuffer = 0x2;

    /// <summary>A TCP FIN without close_notify reads as the end of the stream (SSL_ERROR_ZERO_RETURN), not an error.</summary>
    public const ulong OptionIgnoreUnexpectedEof = 1UL << 7;

    public const ulong OptionCipherServerPreference = 1UL << 22;

    public const ulong OptionNoRenegotiation = 1UL << 30;

    public const int VerifyPeer = 1;
    public const int VerifyFailIfNoPeerCertificate = 2;

    /// <summary>A servername or status callback's answer: go on (with the name, with the response).</summary>
    public const int ExtensionOk = 0;

    /// <summary>A status callback's answer: no response is stapled.</summary>
    public const int ExtensionNoAck = 3;

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_ctrl")]
    private static partial nint SslCtxCtrl(nint context, int command, nint argument, nint pointer);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_callback_ctrl")]
    private static partial nint SslCtxCallbackCtrl(nint context, int command, nint callback);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_set_options")]
    public static partial ulong SslCtxSetOptions(nint context, ulong options);

    /// <returns>1 on success.</returns>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_use_certificate_chain_file", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SslCtxUseCertificateChainFile(nint context, string file);

    /// <returns>1 on success.</returns>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_use_PrivateKey_file", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SslCtxUsePrivateKeyFile(nint context, string file, int type);

    /// <returns>1 when the key is the certificate's.</returns>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_check_private_key")]
    public static partial int SslCtxCheckPrivateKey(nint context);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_set_verify")]
    public static partial void SslCtxSetVerify(nint context, int mode, nint callback);

    /// <returns>1 on success.</returns>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_load_verify_locations", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SslCtxLoadVerifyLocations(nint context, string? file, string? directory);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_set_default_verify_paths")]
    public static partial int SslCtxSetDefaultVerifyPaths(nint context);

    /// <returns>1 on success.</returns>
    [LibraryImport("libssl.so.3", EntryPoint = "SSL_CTX_set_session_id_context")]
    public static partial int SslCtxSetSessionIdContext(nint context, byte* id, uint length);

    /// <summary>OPENSSL_malloc: the OCSP response a status callback hands over is freed by OpenSSL.</summary>
    [LibraryImport("libssl.so.3", EntryPoint = "CRYPTO_malloc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint CryptoMalloc(nuint size, string file, int line);

    public static void SslCtxSetProtocols(nint context, int min, int max)
    {
        _ = SslCtxCtrl(context, CtrlSetMinProtoVersion, min, 0);
        _ = SslCtxCtrl(context, CtrlSetMaxProtoVersion, max, 0);
    }

    public static void SslCtxSetMode(nint context, nint mode) => _ = SslCtxCtrl(context, SslCtrlMode, mode, 0);

    /// <summary>DHE suites get OpenSSL's built-in groups, sized to the certificate's key.</summary>
    public static void SslCtxSetDhAuto(nint context) => _ = SslCtxCtrl(context, CtrlSetDhAuto, 1, 0);

    /// <param name="callback">int (*)(SSL *ssl, int *alert, void *argument)</param>
    public static void SslCtxSetServerNameCallback(nint context, delegate* unmanaged<nint, int*, nint, int> callback, nint argument)
    {
        _ = SslCtxCallbackCtrl(context, CtrlSetServerNameCallback, (nint)callback);
        _ = SslCtxCtrl(context, CtrlSetServerNameArgument, 0, argument);
    }

    /// <param name="callback">int (*)(SSL *ssl, void *argument)</param>
    public static void SslCtxSetStatusCallback(nint context, delegate* unmanaged<nint, nint, int> callback, nint argument)
    {
        _ = SslCtxCallbackCtrl(context, CtrlSetStatusCallback, (nint)callback);
        _ = SslCtxCtrl(context, CtrlSetStatusArgument, 0, argument);
    }
}
