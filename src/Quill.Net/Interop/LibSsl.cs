using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>libssl, by the name .NET itself loads OpenSSL 3 by.</summary>
internal static partial class LibSsl
{
    /// <summary>SSL_CTRL_MODE: SSL_ctrl adds the given mode bits and returns the mode now set.</summary>
    public const int SslCtrlMode = 33;

    public const nint SslModeReleaseBuffers = 0x10;

    /// <summary>OPENSSL_VERSION: OpenSSL_version's "OpenSSL x.y.z date" line.</summary>
    public const int OpenSslVersionText = 0;

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_ctrl")]
    public static partial nint SslCtrl(nint ssl, int command, nint argument, nint pointer);

    [LibraryImport("libssl.so.3", EntryPoint = "SSL_get_SSL_CTX")]
    public static partial nint SslGetSslCtx(nint ssl);

    /// <summary>A libcrypto function, found through libssl (which depends on it) so the same library is asked.</summary>
    [LibraryImport("libssl.so.3", EntryPoint = "OpenSSL_version")]
    public static partial nint OpenSslVersion(int type);
}
