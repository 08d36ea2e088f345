using Quill.Net.Interop;

namespace Quill.Net.Tls;

/// <summary>The OpenSSL that this process loads (the one quill terminates TLS with), asked at run time.</summary>
public static class OpenSslLibrary
{
    /// <summary>OpenSSL's version line ("OpenSSL 3.5.1 1 Jul 2025"), or a line saying libssl could not be loaded.</summary>
    public static string VersionLine()
    {
        try
        {
            return System.Runtime.InteropServices.Marshal.PtrToStringUTF8(LibSsl.OpenSslVersion(LibSsl.OpenSslVersionText)) ?? "OpenSSL (no version)";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "OpenSSL not found (libssl.so.3 cannot be loaded)";
        }
    }
}
