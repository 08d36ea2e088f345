namespace Quill.EndToEnd.Tests.Backends;

/// <summary>What one side of a connection sent or received in one direction: the byte count and their SHA-256.</summary>
internal readonly record struct TransferDigest(long Length, byte[] Sha256)
{
    public static TransferDigest Nothing { get; } = new(0, System.Security.Cryptography.SHA256.HashData([]));

    public bool Matches(TransferDigest other) => Length == other.Length && Sha256.AsSpan().SequenceEqual(other.Sha256);
}
