namespace Quill.Net.Tls;

/// <summary>
/// ssl_sni_path: for a client asking for server name n, the certificate <c>DIR/n.crt</c> with key <c>DIR/n.key</c>
/// and, when present, the client CAs <c>DIR/n.ca</c> and the OCSP response <c>DIR/n.ocsp</c> to staple, each name in
/// a server context of its own. Loaded on first use and loaded again when a file changes (pen caches the certificates
/// for ever and re-reads the response hourly). Names that are not plain host names never reach the file system.
/// Asked from OpenSSL's servername callback, on any event loop.
/// </summary>
/// <param name="policy">The default certificate's; a name's <c>.ca</c> file replaces its CAs.</param>
/// <param name="debug">Told about the .ocsp files, once per change (-d).</param>
internal sealed class SniCertificates(string directory, SslContextPolicy policy, TimeProvider time, Action<string>? debug = null)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The context for the name, or null to use the default one (unknown name, missing or bad files).</summary>
    public SslServerContext? Find(string? serverName)
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
            entry = Load(crt, key, Path.Combine(directory, name + ".ca"), Path.Combine(directory, name + ".ocsp"), stamp);
            lock (_gate) _entries[name] = entry;
        }
        return entry.Context;
    }

    /// <summary>A replaced context is not freed: connections made on it, and its status callback, may still use it.</summary>
    private Entry Load(string crt, string key, string ca, string ocsp, (DateTime, DateTime) stamp)
    {
        try
        {
            var own = File.Exists(ca) ? policy with { CaFile = ca, CaDirectory = null } : policy;
            var staple = new OcspStaple(time, debug, missingIsNormal: true);
            return new Entry(SslServerContext.Create(crt, key, own, staple, () => ocsp), stamp);
        }
        catch (ArgumentException)
        {
            // Remembered until the files change, so a broken pair is not re-read on every handshake.
            return new Entry(null, stamp);
        }
    }

    private static bool IsHostName(string name) =>
        name.Length <= 253 && !name.StartsWith('.') && !name.Contains("..", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');

    private sealed record Entry(SslServerContext? Context, (DateTime, DateTime) Stamp);
}
