using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Quill.Net.Tls;

/// <summary>
/// The OpenSSL SSL pointer under an SslStream, for the few settings .NET offers no way to make: taken from the stream's
/// private security context (on .NET 10 a SafeSslHandle, whose handle is the SSL pointer). On a runtime without that
/// field or type, or with an OpenSSL other than libssl.so.3 (the library quill's own calls bind to), there is none.
/// </summary>
internal static class OpenSslHandle
{
    private static readonly FieldInfo? SecurityContext =
        typeof(SslStream).GetField("_securityContext", BindingFlags.NonPublic | BindingFlags.Instance);

    // .NET loads OpenSSL 3 by this name unless told to load another version.
    private static readonly bool OpenSsl3 = OperatingSystem.IsLinux()
        && Environment.GetEnvironmentVariable("CLR_OPENSSL_VERSION_OVERRIDE") is null or "3";

    private static volatile bool _unavailable;

    /// <summary>Runs <paramref name="use"/> on the stream's SSL pointer, kept alive meanwhile; call once the handshake is done.</summary>
    /// <returns>What <paramref name="use"/> returned; false when there is no handle or libssl.so.3 cannot be called.</returns>
    public static bool TryUse(SslStream ssl, Func<nint, bool> use)
    {
        if (_unavailable || !OpenSsl3) return false;
        if (SecurityContext?.GetValue(ssl) is not SafeHandle { IsInvalid: false } context
            || context.GetType().Name != "SafeSslHandle")
        {
            _unavailable = true;
            return false;
        }
        var added = false;
        try
        {
            context.DangerousAddRef(ref added);
            return use(context.DangerousGetHandle());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return false;
        }
        finally
        {
            if (added) context.DangerousRelease();
        }
    }
}
