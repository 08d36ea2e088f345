using System.Buffers;
using System.Net;

namespace Quill.Net.Http;

/// <summary>
/// Writes a request head with the client's address appended to X-Forwarded-For (or a new X-Forwarded-For line) and
/// X-Forwarded-Proto set to what quill saw. A client's own X-Forwarded-Proto is dropped: it would let a plain-HTTP
/// client claim https. Every other byte of the head is kept as it came, line endings included.
/// </summary>
public sealed class ForwardedHeaders
{
    /// <summary>Longer than any address text: IPv6 (45) with a scope id ('%' and up to 10 digits).</summary>
    private const int MaxAddressText = 64;

    private readonly byte[] _clientAddress;
    private readonly bool _https;

    /// <param name="client">The client's address; null (a unix-socket client) adds no X-Forwarded-For.</param>
    /// <param name="https">Whether the client spoke TLS to quill.</param>
    public ForwardedHeaders(IPAddress? client, bool https)
    {
        if (client is { IsIPv4MappedToIPv6: true }) client = client.MapToIPv4();
        _clientAddress = client is null ? [] : AddressText(client);
        _https = https;
    }

    private ReadOnlySpan<byte> Proto => _https ? "https"u8 : "http"u8;

    /// <summary>Formatted straight to bytes: one array per connection, no string on the way (-H with a connection per
    /// request makes one of these per request).</summary>
    private static byte[] AddressText(IPAddress client)
    {
        Span<byte> text = stackalloc byte[MaxAddressText];
        if (!client.TryFormat(text, out var length))
            throw new ArgumentException($"address text longer than {MaxAddressText} bytes: {client}", nameof(client));
        return text[..length].ToArray();
    }

    internal void WriteHead(ReadOnlySpan<byte> head, IBufferWriter<byte> output)
    {
        var lastForwardedFor = -1;
        var offset = 0;
        foreach (var line in new HeadLines(head))
        {
            if (HeaderLine.IsNamed(line, "X-Forwarded-For"u8)) lastForwardedFor = offset;
            offset += line.Length;
        }

        var requestLineEnd = head.IndexOf((byte)'\n');
        ReadOnlySpan<byte> eol = requestLineEnd > 0 && head[requestLineEnd - 1] == (byte)'\r' ? "\r\n"u8 : "\n"u8;
        offset = 0;
        foreach (var line in new HeadLines(head))
        {
            var content = HttpSyntax.WithoutLineEnd(line);
            if (offset > 0 && content.IsEmpty)
            {
                if (lastForwardedFor < 0 && _clientAddress.Length > 0) WriteLine(output, "X-Forwarded-For: "u8, _clientAddress, eol);
                WriteLine(output, "X-Forwarded-Proto: "u8, Proto, eol);
            }
            if (offset == lastForwardedFor && _clientAddress.Length > 0)
            {
                var kept = content.TrimEnd(" \t"u8);
                output.Write(kept);
                output.Write(kept[^1] == (byte)':' ? " "u8 : ", "u8);
                output.Write(_clientAddress);
                output.Write(line[content.Length..]);
            }
            else if (!HeaderLine.IsNamed(content, "X-Forwarded-Proto"u8) || offset == 0)
            {
                output.Write(line);
            }
            offset += line.Length;
        }
    }

    private static void WriteLine(IBufferWriter<byte> output, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, ReadOnlySpan<byte> eol)
    {
        output.Write(name);
        output.Write(value);
        output.Write(eol);
    }

    /// <summary>The lines of a head, each with its line ending.</summary>
    private ref struct HeadLines(ReadOnlySpan<byte> head)
    {
        private ReadOnlySpan<byte> _rest = head;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly HeadLines GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_rest.IsEmpty) return false;
            var end = _rest.IndexOf((byte)'\n') + 1;
            if (end == 0) end = _rest.Length;
            Current = _rest[..end];
            _rest = _rest[end..];
            return true;
        }
    }
}
