namespace Quill.Core.Peers;

/// <summary>peer_key FILE: the shared secret both quills sign their frames with, read from a file so that it never
/// shows in a command line, a process list or a shell history. Trailing white space (the editor's newline) is not part of it.</summary>
public static class PeerKey
{
    public const int MinimumLength = 16;

    /// <returns>The key, or null with a one-line <paramref name="error"/>.</returns>
    public static byte[]? Read(string file, out string error)
    {
        error = "";
        byte[] bytes;
        try
        {
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
            error = $"'{file}' holds {length} bytes; a key needs at least {MinimumLength} (e.g. openssl rand -hex 32 > {file})";
            return null;
        }

        return bytes[..length];
    }

    /// <summary>For logs: which key is in use without showing it.</summary>
    public static string Fingerprint(byte[] key) =>
        $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(key))[..8]} ({key.Length} bytes)";
}
