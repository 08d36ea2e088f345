using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Quill.Net.Tls;

/// <summary>
/// ssl_sni_path: for a client asking for server name n, the certificate <c>DIR/n.crt</c> with key <c>DIR/n.key</c>
/// and, when present, the client CAs <c>DIR/n.ca</c> and the OCSP response <c>DIR/n.ocsp</c> to staple. Loaded on
/// first use and loaded again when a file changes (pen caches the certificates for ever and re-reads the response
/// hourly). Names that are not plain host names never reach the file system.
/// </summary>
/// <param name="debug">Told about the .ocsp files, once per change (-d).</param>
internal sealed class SniCertificates(string directory, TimeProvider time, Action<string>? debug = null)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The certificate for the name, or null to use the default one (unknown name, missing or bad files).</summary>
    public Entry? Find(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName) || !IsHostName(serverName)) return null;
        var name = serverName.ToLowerInvariant();
        var crt = Path.Combine(directory, name + ".crt");
        var key = Path.Combine(directory, name + ".key");
        var stamp = (File.GetLastWriteTimeUtc(crt), File.GetLastWriteTimeUtc(key));
        Entry? entry;
        lock (_gate) _entries.TryGetValue(name, out entry);
        if (entry is null || entry.Stamp != stamp)
        {
            entry = Load(crt, key, Path.Combine(directory, name + ".ca"), stamp);
            lock (_gate) _entries[name] = entry;
        }
        if (entry.Context is null) return null;
        entry.Staple?.Refresh(Path.Combine(directory, name + ".ocsp"));
        return entry;
    }

    private Entry Load(string crt, string key, string ca, (DateTime, DateTime) stamp)
    {
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(crt, key);
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(crt);
            var intermediates = new X509Certificate2Collection();
            foreach (var extra in chain)
            {
                if (extra.Thumbprint != certificate.Thumbprint) intermediates.Add(extra);
            }
            var trusted = new X509Certificate2Collection();
            if (File.Exists(ca)) trusted.ImportFromPemFile(ca);
            var context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
            var staple = OcspStapling.TryPrepare(context) ? new OcspStaple(context, time, debug, missingIsNormal: true) : null;
            return new Entry(context, trusted, stamp, staple);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            // Remembered until the files change, so a broken pair is not re-read on every handshake.
            return new Entry(null, [], stamp, null);
        }
    }

    private static bool IsHostName(string name) =>
        name.Length <= 253 && !name.StartsWith('.') && !name.Contains("..", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');

    internal sealed record Entry(
        SslStreamCertificateContext? Context, X509Certificate2Collection Trusted, (DateTime, DateTime) Stamp, OcspStaple? Staple);
}
