namespace Quill.Net.Tls;

/// <summary>
/// The OCSP response one certificate staples, from a file read as pen reads it: at most 10000 bytes (a missing,
/// empty or bigger file staples nothing). Handshakes ask for it (<see cref="SslServerContext"/>'s status callback,
/// on any event loop); the file is looked at no more than once a second and read again only when its modification
/// time or size changed, so a storm of handshakes costs no system calls and a replaced file is stapled from the next
/// handshake after that second.
/// </summary>
/// <param name="debug">Told once about each new state of the file (stapled, missing, empty, too big, unreadable).</param>
/// <param name="missingIsNormal">ssl_sni_path: most names have no <c>.ocsp</c> file, which is not worth a line.</param>
internal sealed class OcspStaple(TimeProvider time, Action<string>? debug, bool missingIsNormal)
{
    /// <summary>pen's limit.</summary>
    public const int MaxBytes = 10000;

    private const string TooBig = "is over 10000 bytes";

    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private bool _looked;
    private long _lookedAt;
    private string? _path;
    private (DateTime Modified, long Length)? _stamp;
    private byte[]? _response;

    /// <summary>In a handshake: what <paramref name="path"/> holds now (null: nothing), to staple.</summary>
    /// <returns>The response; null: nothing is stapled.</returns>
    public byte[]? Refresh(string? path)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var samePath = _looked && path == _path;
            if (samePath && time.GetElapsedTime(_lookedAt, now) < CheckInterval) return _response;
            _looked = true;
            _lookedAt = now;
            var stamp = path is null ? null : StampOf(path);
            if (samePath && stamp == _stamp) return _response;
            (_path, _stamp) = (path, stamp);
            return _response = path is null ? null : Read(path, stamp);
        }
    }

    private static (DateTime, long)? StampOf(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? (file.LastWriteTimeUtc, file.Length) : null;
    }

    private byte[]? Read(string path, (DateTime, long Length)? stamp)
    {
        var (response, problem) = stamp is null ? (null, "not found")
            : stamp.Value.Length > MaxBytes ? (null, TooBig) // never loads a huge file given by mistake
            : ReadAll(path);
        if (response is not null)
        {
            debug?.Invoke($"OCSP response '{path}' stapled ({response.Length} bytes)");
            return response;
        }
        if (stamp is not null || !missingIsNormal) debug?.Invoke($"OCSP response '{path}' {problem}: nothing stapled");
        return null;
    }

    private static (byte[]? Response, string? Problem) ReadAll(string path)
    {
        try
        {
            var response = File.ReadAllBytes(path);
            return response.Length == 0 ? (null, "is empty") : response.Length > MaxBytes ? (null, TooBig) : (response, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot be read ({e.Message.ReplaceLineEndings(" ")})");
        }
    }
}
