namespace Quill.Core.Peers;

/// <summary>peer_key FILE: the shared secret both quills sign their frames with, read from a file so that it never
/// shows in a command line, a process list or a shell history. Trailing white space (the editor's newline) is not part of it.
/// ssh's rule for private keys applies: a file its group or others may read, write or run is refused, since anyone who
/// can read the key can feed this quill a client table.</summary>
public static class PeerKey
{
    public const int MinimumLength = 16;

    private const UnixFileMode OpenToOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <returns>The key, or null with a one-line <paramref name="error"/>.</returns>
    public static byte[]? Read(string file, out string error)
    {
        error = "";
        byte[] bytes;
        try
        {
            if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(file) is var mode && (mode & OpenToOthers) != 0)
            {
                error = $"'{file}' is open to its group or others (mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}); "
                    + $"a key must be readable by its owner only (chmod 600 {file})";
                return null;
            }

            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"cannot read '{file}': {e.Message}";
            return null;
        }

        var length = bytes.Length;
        while (length > 0 && char.IsWhiteSpace((char)bytes[length - 1])) length--;
        if (length < MinimumLength)
        {
            error = $"'{file}' holds {length} bytes; a key needs at least {MinimumLength} (e.g. umask 077; openssl rand -hex 32 > {file})";
            return null;
        }

        return bytes[..length];
    }

    /// <summary>For logs: which key is in use without showing it.</summary>
    public static string Fingerprint(byte[] key) =>
        $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(key))[..8]} ({key.Length} bytes)";
}
