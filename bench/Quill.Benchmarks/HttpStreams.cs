using System.Text;

namespace Quill.Benchmarks;

/// <summary>What a client sends on one keep-alive connection, for the -H request filter.</summary>
public enum HttpWorkload
{
    /// <summary>Small GETs, a browser's ~300-byte heads, no body.</summary>
    Get,

    /// <summary>The same GETs as they arrive through a proxy or CDN: X-Forwarded-For to append to, and an
    /// X-Forwarded-Proto that the filter drops and writes again.</summary>
    GetForwarded,

    /// <summary>POSTs with a 16 KiB body framed by Content-Length.</summary>
    PostContentLength,

    /// <summary>POSTs with a 16 KiB chunked body (four 4 KiB chunks and the last chunk).</summary>
    PostChunked,
}

/// <summary>Request streams built once, byte for byte the same on every run.</summary>
internal static class HttpStreams
{
    public const int BodyLength = 16 * 1024;
    private const int ChunkLength = 4 * 1024;

    private static readonly string[] Paths =
    [
        "/", "/static/js/app.3f9c2a1e.js", "/static/css/main.b7d04e.css", "/api/v1/items/10482?fields=name,price",
        "/images/products/thumb/8812.webp", "/favicon.ico", "/api/v1/cart", "/search?q=wireless+headphones&page=2",
    ];

    /// <summary>The requests on one connection: enough that each stream is 100-300 KB.</summary>
    public static int RequestCount(HttpWorkload workload) => workload switch
    {
        HttpWorkload.Get or HttpWorkload.GetForwarded => 512,
        _ => 16,
    };

    /// <param name="requestEnds">Filled with the offset just past each request.</param>
    public static byte[] Build(HttpWorkload workload, List<int>? requestEnds = null)
    {
        var body = new byte[BodyLength];
        // Arbitrary bytes, CR LF included: the filter must pass a body without looking for heads in it.
        new Random(42).NextBytes(body);

        using var stream = new MemoryStream();
        for (var i = 0; i < RequestCount(workload); i++)
        {
            var path = Paths[i % Paths.Length];
            switch (workload)
            {
                case HttpWorkload.Get:
                    Write(stream, Get(path, forwarded: false));
                    break;
                case HttpWorkload.GetForwarded:
                    Write(stream, Get(path, forwarded: true));
                    break;
                case HttpWorkload.PostContentLength:
                    Write(stream, Post(path, $"Content-Length: {BodyLength}"));
                    stream.Write(body);
                    break;
                case HttpWorkload.PostChunked:
                    Write(stream, Post(path, "Transfer-Encoding: chunked"));
                    for (var offset = 0; offset < BodyLength; offset += ChunkLength)
                    {
                        Write(stream, $"{ChunkLength:x}\r\n");
                        stream.Write(body, offset, ChunkLength);
                        Write(stream, "\r\n");
                    }
                    Write(stream, "0\r\n\r\n");
                    break;
            }
            requestEnds?.Add((int)stream.Length);
        }
        return stream.ToArray();
    }

    private static string Get(string path, bool forwarded) =>
        $"GET {path} HTTP/1.1\r\n"
        + "Host: shop.example.com\r\n"
        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
        + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        + "Accept-Language: en-US,en;q=0.5\r\n"
        + "Accept-Encoding: gzip, deflate, br\r\n"
        + (forwarded ? "X-Forwarded-For: 198.51.100.23, 10.20.0.7\r\nX-Forwarded-Proto: https\r\n" : "")
        + "Connection: keep-alive\r\n"
        + "\r\n";

    private static string Post(string path, string framing) =>
        $"POST {path} HTTP/1.1\r\n"
        + "Host: shop.example.com\r\n"
        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
        + "Accept: application/json\r\n"
        + "Content-Type: application/octet-stream\r\n"
        + framing + "\r\n"
        + "Connection: keep-alive\r\n"
        + "\r\n";

    private static void Write(Stream stream, string ascii) => stream.Write(Encoding.ASCII.GetBytes(ascii));
}
