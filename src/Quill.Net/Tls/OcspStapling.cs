using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Quill.Net.Tls;

/// <summary>
/// Staples an OCSP response that quill was given (pen's ssl_ocsp_response and ssl_sni_path's <c>name.ocsp</c>).
/// SslStream has no public API for that: on Linux, .NET staples whatever its certificate context caches from its own
/// OCSP fetches. So quill fills that cache itself, through private fields of
/// <see cref="SslStreamCertificateContext"/> (dotnet/runtime, SslStreamCertificateContext.Linux.cs), with the cache
/// marked as never expiring so that .NET never fetches anything on its own: an operator who gives a file wants that
/// file, and no network traffic. Another runtime without these fields leaves stapling unavailable, said in one line.
/// </summary>
public static class OcspStapling
{
    private static readonly Lazy<string?> Probe = new(ProbeRuntime);

    /// <summary>Null when this runtime lets quill staple a given response, else why not, in one line.</summary>
    public static string? Unavailable => Probe.Value;

    /// <summary>
    /// Readies a context that no handshake has used yet (.NET builds the OpenSSL context with its stapling callback
    /// only at the first handshake, and only when the context has OCSP responder addresses): an empty address list,
    /// a cache that never expires, nothing to staple. offline: true made .NET forbid stapling; that is lifted.
    /// </summary>
    /// <returns>False when the runtime lacks the fields; stapling then stays off for this context.</returns>
    internal static bool TryPrepare(SslStreamCertificateContext context)
    {
        try
        {
            // Forbidden is lifted last, so a runtime missing any field never gets half a hook.
            ResponderUrls(context) ??= [];
            Expiration(context) = DateTimeOffset.MaxValue;
            NextDownload(context) = DateTimeOffset.MaxValue;
            Response(context) = null;
            StaplingForbidden(context) = false;
            return true;
        }
        catch (MissingMemberException)
        {
            return false;
        }
    }

    /// <summary>What the next handshakes on a prepared context staple; null staples nothing.</summary>
    internal static void Staple(SslStreamCertificateContext context, byte[]? response) => Response(context) = response;

    /// <summary>What a prepared context staples now (for tests).</summary>
    internal static byte[]? Stapled(SslStreamCertificateContext context) => Response(context);

    private static string? ProbeRuntime()
    {
        if (!OperatingSystem.IsLinux()) return "stapling a given OCSP response needs .NET on Linux";
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var certificate = new CertificateRequest("CN=quill OCSP probe", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(now.AddMinutes(-1), now.AddMinutes(1));
        try
        {
            if (TryPrepare(SslStreamCertificateContext.Create(certificate, null, offline: true))) return null;
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException or NotSupportedException)
        {
            // Reported below like a missing field: the feature is what matters to the operator.
        }
        return $"this .NET runtime ({Environment.Version}) has no hook to staple a given OCSP response";
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_staplingForbidden")]
    private static extern ref bool StaplingForbidden(SslStreamCertificateContext context);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_ocspResponse")]
    private static extern ref byte[]? Response(SslStreamCertificateContext context);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_ocspExpiration")]
    private static extern ref DateTimeOffset Expiration(SslStreamCertificateContext context);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_nextDownload")]
    private static extern ref DateTimeOffset NextDownload(SslStreamCertificateContext context);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_ocspUrls")]
    private static extern ref List<string>? ResponderUrls(SslStreamCertificateContext context);
}
