using System.Buffers;
using System.Net;
using System.Text;
using CsCheck;
using Quill.Fuzz.Tests.Harness;
using Quill.Net.Http;

namespace Quill.Fuzz.Tests.Targets;

/// <summary>
/// The -H filter, differentially: the stream cut into reads at random points must give the same output as the
/// whole stream in one read (with and without headers to add), that output must equal <see cref="HttpFilterModel"/>'s,
/// and for well-formed pipelined requests every request gets the client's address exactly once and keeps its body
/// byte for byte.
/// </summary>
public sealed class HttpFilterFuzz
{
    private const string Target = "http";
    private static readonly IPAddress Client = IPAddress.Parse(HttpStreams.Client);
    private static readonly byte[] ClientBytes = Encoding.ASCII.GetBytes(HttpStreams.Client);

    private static readonly Lazy<IReadOnlyList<byte[]>> Seeds = new(() => [.. Corpus.Bytes(Target)]);

    private static readonly Gen<(HttpStreams.Stream Stream, int[] Cuts)> Inputs =
        Gen.Int[0, 1].SelectMany(_ => HttpStreams.Any(Seeds.Value)).SelectMany(s => HttpStreams.Cuts(s.Bytes.Length).Select(c => (s, c)));

    [Fact]
    public void Fuzz() => FuzzCampaign.Run(Target, Inputs, i => Check(i.Stream, i.Cuts), i => $"{Printed.Bytes(i.Stream.Bytes)} cuts [{string.Join(',', i.Cuts)}]");

    /// <summary>Each kept stream in one read, in reads of one byte, and cut at every 7th byte.</summary>
    [Fact]
    public void Replay() => FuzzCampaign.Replay(Corpus.Bytes(Target), bytes =>
    {
        var stream = new HttpStreams.Stream(bytes, false, 0, []);
        Check(stream, []);
        Check(stream, [.. Enumerable.Range(1, Math.Max(0, bytes.Length - 1))]);
        Check(stream, [.. Enumerable.Range(1, bytes.Length / 7).Select(i => i * 7)]);
    }, Printed.Bytes);

    private static void Check(HttpStreams.Stream stream, int[] cuts)
    {
        var input = stream.Bytes;
        var (whole, wholeEnded) = Run(input, [], forward: true);
        var (split, splitEnded) = Run(input, cuts, forward: true);
        Assert.True(whole.AsSpan().SequenceEqual(split), $"cut into reads, the output differs: {Differ(whole, split)}");
        Assert.Equal(wholeEnded, splitEnded);

        var (expected, expectedEnded) = HttpFilterModel.Forward(input, HttpStreams.Client);
        Assert.True(expected.AsSpan().SequenceEqual(whole), $"differs from the model: {Differ(expected, whole)}");
        Assert.Equal(expectedEnded, wholeEnded);

        // Only following requests (the access log without -H) never changes a byte, however the reads are cut.
        Assert.True(input.AsSpan().SequenceEqual(Run(input, cuts, forward: false).Output), "the access log's filter changed the stream");

        if (!stream.WellFormed) return;
        Assert.Equal(stream.Requests, Count(whole, ClientBytes));
        var at = 0;
        foreach (var body in stream.Bodies)
        {
            var found = whole.AsSpan(at).IndexOf(body);
            Assert.True(found >= 0, "a body did not arrive whole");
            at += found + body.Length;
        }
    }

    private static (byte[] Output, bool Ended) Run(byte[] input, int[] cuts, bool forward)
    {
        var filter = new HttpRequestFilter(forward ? new ForwardedHeaders(Client, https: false) : null);
        var output = new ArrayBufferWriter<byte>();
        var from = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < input.Length).Order().Append(input.Length))
        {
            filter.OnClientData(input.AsSpan(from, cut - from), output);
            from = cut;
        }
        filter.OnClientEnd(output);
        return (output.WrittenSpan.ToArray(), filter.ClientStreamEnded);
    }

    private static int Count(byte[] haystack, byte[] needle)
    {
        var count = 0;
        for (var at = haystack.AsSpan().IndexOf(needle); at >= 0; at = haystack.AsSpan(at + 1).IndexOf(needle) is var next and >= 0 ? at + 1 + next : -1)
            count++;
        return count;
    }

    private static string Differ(byte[] expected, byte[] actual)
    {
        var at = expected.AsSpan().CommonPrefixLength(actual);
        string Around(byte[] b) => Encoding.Latin1.GetString(b, Math.Max(0, at - 40), Math.Min(b.Length, at + 40) - Math.Max(0, at - 40))
            .Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return $"at byte {at} of {expected.Length} vs {actual.Length}: expected '{Around(expected)}' got '{Around(actual)}'";
    }
}
