using System.Buffers.Binary;
using System.Net;
using CsCheck;
using Quill.Core.Proxy;
using Quill.Fuzz.Tests.Harness;

namespace Quill.Fuzz.Tests.Targets;

/// <summary>
/// The PROXY protocol reader (accept_proxy) against headers the writer makes, cut short, with a wrong signature, an
/// oversized v2 length, a bad family or transport, byte-level mutations of the seeds, and random bytes, each with
/// random bytes after it. What must hold: the parser never throws; a whole header is never longer than the input nor
/// the spec's limits, parses the same without what follows it, and every shorter prefix of it is Incomplete (so a
/// parse never consumes beyond the header, and reading it as it trickles in gives the same answer); an invalid one
/// has a one-line reason; a header the writer made reads back with its addresses. The end-to-end half, that no byte
/// of a bad header reaches a server, is tests/Quill.EndToEnd.Tests/Proxy/ProxyHeaderEndToEndFuzzTests.cs.
/// </summary>
public sealed class ProxyHeaderFuzz
{
    private const string Target = "proxy";
    private const int MaxV2Payload = ProxyHeaderParser.DefaultMaxV2Payload;

    private static readonly Lazy<IReadOnlyList<byte[]>> Seeds = new(() => [.. Corpus.Bytes(Target)]);

    private static readonly Gen<IPEndPoint?> EndPoints = Gen.Frequency(
        (8, Gen.Select(Addresses.Any, Gen.Int[0, 65535], (a, p) => (IPEndPoint?)new IPEndPoint(a, p))),
        (1, Gen.Const((IPEndPoint?)null)));

    private static readonly Gen<ProxyTlsDetails?> Tls = Gen.Frequency(
        (2, Gen.Const((ProxyTlsDetails?)null)),
        (1, Gen.Select(Gen.OneOf("TLSv1.2", "TLSv1.3"), Gen.OneOf("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Gen.OneOf<string?>(null, "localhost", "a.example.test"), Gen.Bool,
            (v, c, n, cert) => (ProxyTlsDetails?)new ProxyTlsDetails(v, c, n, cert))));

    /// <summary>A header as quill's writer makes it, with what it announces.</summary>
    private static readonly Gen<(byte[] Header, ProxyVersion Version, IPEndPoint? Source, IPEndPoint? Destination)> Written =
        Gen.Select(Gen.OneOf(ProxyVersion.V1, ProxyVersion.V2), EndPoints, EndPoints, Tls,
            (version, source, destination, tls) => (ProxyHeaderWriter.Write(version, source, destination, tls), version, source, destination));

    /// <summary>Written headers bent the ways a hostile or broken sender bends them.</summary>
    private static readonly Gen<byte[]> Bent = Gen.Select(Written, Gen.Int[0, 5], Gen.Int, Gen.Byte, (w, kind, at, value) =>
    {
        var bytes = w.Header.ToArray();
        var index = (int)((uint)at % bytes.Length);
        switch (kind)
        {
            case 0: return bytes[..index]; // truncated
            case 1: bytes[index % Math.Min(12, bytes.Length)] ^= (byte)(value | 1); return bytes; // wrong signature
            case 2 when w.Version == ProxyVersion.V2: // oversized or lying length
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(14), (ushort)(MaxV2Payload + 1 + (uint)at % (65535 - MaxV2Payload)));
                return bytes;
            case 3 when w.Version == ProxyVersion.V2: bytes[13] = value; return bytes; // family and transport
            case 4 when w.Version == ProxyVersion.V2: bytes[12] = value; return bytes; // version and command
            default: bytes[index] = value; return bytes;
        }
    });

    private static readonly Gen<byte[]> Inputs = Gen.Select(
        Gen.Frequency(
            (3, Written.Select(w => w.Header)),
            (4, Bent),
            (3, Gen.Int[0, 1].SelectMany(_ => Hostile.MutatedBytes(Seeds.Value))),
            (1, Gen.Select(Gen.OneOf("PROXY ", "PROXY TCP4 ", "PROXY UNKNOWN"), Hostile.RandomBytes,
                (p, rest) => (byte[])[.. System.Text.Encoding.ASCII.GetBytes(p), .. rest])),
            (1, Hostile.RandomBytes.Select(rest => (byte[])[.. ProxyV2.Signature, .. rest])),
            (1, Hostile.RandomBytes)),
        Gen.Byte.Array[0, 40],
        (header, after) => (byte[])[.. header, .. after]);

    [Fact]
    public void Fuzz()
    {
        FuzzCampaign.Run(Target, Inputs, Check, Printed.Bytes);
        FuzzCampaign.Run(Target + "-roundtrip", Gen.Select(Written, Gen.Byte.Array[0, 40]), w => RoundTrip(w.Item1, w.Item2),
            w => Printed.Bytes(w.Item1.Header), defaultDivisor: 4);
    }

    [Fact]
    public void Replay() => FuzzCampaign.Replay(Seeds.Value, Check, Printed.Bytes);

    private static void Check(byte[] input)
    {
        var header = ProxyHeaderParser.Parse(input, MaxV2Payload);
        switch (header.Status)
        {
            case ProxyParseStatus.Invalid:
                Expect.OneLine(header.Error!);
                break;
            case ProxyParseStatus.Incomplete:
                // With as many bytes as the longest header, a parser that still waits would wait for ever.
                Assert.True(input.Length < ProxyV2.FixedLength + MaxV2Payload, $"Incomplete after {input.Length} bytes");
                if (input.Length > 0 && input[0] == (byte)'P') Assert.True(input.Length < ProxyHeaderParser.MaxV1Length);
                break;
            case ProxyParseStatus.Complete:
                Assert.InRange(header.Length, 1, input.Length);
                Assert.True(header.Length <= (header.Version == ProxyVersion.V1 ? ProxyHeaderParser.MaxV1Length : ProxyV2.FixedLength + MaxV2Payload));
                var alone = ProxyHeaderParser.Parse(input.AsSpan(0, header.Length), MaxV2Payload);
                Assert.Equal(header, alone);
                // Every prefix waits for more: the header is recognised only once whole, however it trickles in.
                for (var cut = 0; cut < header.Length; cut++)
                    Assert.Equal(ProxyParseStatus.Incomplete, ProxyHeaderParser.Parse(input.AsSpan(0, cut), MaxV2Payload).Status);
                break;
        }
    }

    private static void RoundTrip((byte[] Header, ProxyVersion Version, IPEndPoint? Source, IPEndPoint? Destination) written, byte[] after)
    {
        var header = ProxyHeaderParser.Parse([.. written.Header, .. after], MaxV2Payload);
        Assert.Equal(ProxyParseStatus.Complete, header.Status);
        Assert.Equal(written.Header.Length, header.Length);
        Assert.Equal(written.Version, header.Version);
        if (written.Source is null || written.Destination is null)
        {
            Assert.Null(header.Source);
            return;
        }
        Assert.Equal(written.Source.Port, header.Source!.Port);
        Assert.Equal(written.Destination.Port, header.Destination!.Port);
        Assert.Equal(Plain(written.Source.Address), Plain(header.Source.Address));
        Assert.Equal(Plain(written.Destination.Address), Plain(header.Destination.Address));
    }

    /// <summary>The writer puts both sides in one family (IPv4-mapped when mixed) and drops scope ids; compare as IPv6 bytes.</summary>
    private static IPAddress Plain(IPAddress address) =>
        new(address.MapToIPv6().GetAddressBytes());
}
