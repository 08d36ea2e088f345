using System.Buffers;
using System.Net;
using System.Text;
using Quill.Net.Http;

namespace Quill.Net.Tests.Http;

/// <summary>Feeds a client stream to a fresh filter in given pieces and collects what would go to the server.</summary>
internal sealed class FilterRun
{
    public static readonly IPAddress Client = IPAddress.Parse("192.0.2.7");

    public List<string> RequestLines { get; } = [];
    public HttpRequestFilter Filter { get; }

    public FilterRun(bool https = false, IPAddress? client = null, bool insert = true, ArrayPool<byte>? pool = null) =>
        Filter = new HttpRequestFilter(
            insert ? new ForwardedHeaders(client ?? Client, https) : null,
            line => RequestLines.Add(Encoding.ASCII.GetString(line)),
            pool ?? ArrayPool<byte>.Shared);

    public byte[] Feed(byte[] input, params int[] splits)
    {
        var output = new ArrayBufferWriter<byte>();
        var start = 0;
        foreach (var split in splits.Append(input.Length))
        {
            // A fresh writer per read, as the pump does, so nothing relies on earlier output staying put.
            var piece = new ArrayBufferWriter<byte>();
            Filter.OnClientData(input.AsSpan(start, split - start), piece);
            output.Write(piece.WrittenSpan);
            start = split;
        }
        return output.WrittenSpan.ToArray();
    }

    public static string Text(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>The output for the input in one piece, after checking that every one- and two-point split gives the
    /// same output (two-point splits only for short inputs), and byte-by-byte feeding too.</summary>
    public static string FeedEverySplit(string input, Func<FilterRun> create)
    {
        var bytes = Bytes(input);
        var whole = create().Feed(bytes);
        for (var i = 0; i <= bytes.Length; i++)
        {
            Assert.Equal(Text(whole), Text(create().Feed(bytes, i)));
        }
        if (bytes.Length <= 300)
        {
            for (var i = 0; i <= bytes.Length; i++)
            for (var j = i; j <= bytes.Length; j += 7)
            {
                Assert.Equal(Text(whole), Text(create().Feed(bytes, i, j)));
            }
        }
        Assert.Equal(Text(whole), Text(create().Feed(bytes, Enumerable.Range(1, Math.Max(0, bytes.Length - 1)).ToArray())));
        return Text(whole);
    }
}
