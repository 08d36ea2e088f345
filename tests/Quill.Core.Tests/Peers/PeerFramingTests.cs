using System.Net;
using System.Security.Cryptography;
using Quill.Core.Peers;
using Xunit;

namespace Quill.Core.Tests.Peers;

public sealed class PeerFramingTests
{
    private static readonly byte[] Key = "0123456789abcdef0123456789abcdef"u8.ToArray();
    private static readonly byte[] Nonce = RandomNumberGenerator.GetBytes(PeerFraming.NonceLength);

    private static byte[] Frames(byte[] key, byte[] nonce, params ClientAssignment[] assignments)
    {
        using var sealer = new PeerFrameSealer(key, nonce);
        var output = new List<byte>();
        var body = new byte[PeerFrameBody.MaxLength];
        var frame = new byte[PeerFraming.MaxFrameLength];
        foreach (var assignment in assignments)
        {
            var length = PeerFrameBody.WriteAssignment(assignment, body);
            output.AddRange(frame.AsSpan(0, sealer.Seal(body.AsSpan(0, length), frame)).ToArray());
        }

        return [.. output];
    }

    private static List<ClientAssignment> Open(byte[] key, byte[] nonce, byte[] received, out string? bad)
    {
        using var opener = new PeerFrameOpener(key, nonce);
        var opened = new List<ClientAssignment>();
        var at = 0;
        bad = null;
        while (true)
        {
            var outcome = opener.TryOpen(received.AsSpan(at), out var body, out var consumed, out var error);
            if (outcome == PeerFrameOpener.Outcome.Incomplete) return opened;
            if (outcome == PeerFrameOpener.Outcome.Bad)
            {
                bad = error;
                return opened;
            }

            Assert.True(PeerFrameBody.TryReadAssignment(received.AsSpan(at)[body], out var assignment, out var malformed), malformed);
            opened.Add(assignment);
            at += consumed;
        }
    }

    private static readonly ClientAssignment V4 = new(IPAddress.Parse("10.1.2.3"), "192.168.7.1", 8080, TimeSpan.FromMilliseconds(1500));
    private static readonly ClientAssignment V6 = new(IPAddress.Parse("2001:db8::42"), "backend.example", 443, TimeSpan.Zero);

    [Fact]
    public void SealedFrames_OpenUnderTheSameKeyAndNonce_InOrder()
    {
        var opened = Open(Key, Nonce, Frames(Key, Nonce, V4, V6), out var bad);

        Assert.Null(bad);
        Assert.Equal([V4, V6], opened);
    }

    [Fact]
    public void HalfAFrame_IsIncomplete_NotBad()
    {
        var frames = Frames(Key, Nonce, V4);

        Assert.Empty(Open(Key, Nonce, frames[..^1], out var bad));
        Assert.Null(bad);
    }

    [Fact]
    public void AnotherKey_IsBad()
    {
        var frames = Frames("another key, sixteen bytes or more"u8.ToArray(), Nonce, V4);

        Assert.Empty(Open(Key, Nonce, frames, out var bad));
        Assert.Contains("signature", bad);
    }

    [Fact]
    public void FramesRecordedOnAnotherConnection_AreBad()
    {
        var recorded = Frames(Key, RandomNumberGenerator.GetBytes(PeerFraming.NonceLength), V4);

        Assert.Empty(Open(Key, Nonce, recorded, out var bad));
        Assert.NotNull(bad);
    }

    [Fact]
    public void AFrameReplayedLaterInTheSameConnection_IsBad()
    {
        var frames = Frames(Key, Nonce, V4);

        var opened = Open(Key, Nonce, [.. frames, .. frames], out var bad);

        Assert.Single(opened);
        Assert.NotNull(bad);
    }

    [Fact]
    public void AFlippedBit_IsBad()
    {
        var frames = Frames(Key, Nonce, V4);
        frames[5] ^= 1;

        Assert.Empty(Open(Key, Nonce, frames, out var bad));
        Assert.NotNull(bad);
    }

    [Fact]
    public void RandomBytes_AreBad_NeverAnAssignment()
    {
        var random = new Random(18);
        for (var i = 0; i < 200; i++)
        {
            var garbage = new byte[random.Next(PeerFraming.MaxFrameLength, 4 * PeerFraming.MaxFrameLength)];
            random.NextBytes(garbage);

            Assert.Empty(Open(Key, Nonce, garbage, out var bad));
            Assert.NotNull(bad);
        }
    }

    [Fact]
    public void Hello_CarriesTheNonce_AndOnlyOurMagicIsAccepted()
    {
        Assert.True(PeerFraming.TryReadHello(PeerFraming.Hello(Nonce), out var nonce));
        Assert.Equal(Nonce, nonce);
        Assert.False(PeerFraming.TryReadHello("HTTP/1.1 400 Bad Request\r\n\r\n"u8[..PeerFraming.HelloLength], out _));
    }

    [Theory]
    [InlineData(new byte[] { 1, 5, 1, 2, 3, 4, 5 })]
    [InlineData(new byte[] { 1, 4, 10, 0, 0, 1, 0, 0, 0, 0, 0, 80, 9, 49 })]
    [InlineData(new byte[] { 1, 4, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 49 })]
    [InlineData(new byte[] { 1, 4, 10, 0, 0, 1, 0, 0, 0, 0, 0, 80, 1, 0xff })]
    public void MalformedAssignments_AreRefused(byte[] body)
    {
        Assert.False(PeerFrameBody.TryReadAssignment(body, out _, out var error));
        Assert.NotEmpty(error);
    }
}
