using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.Core.Health;

/// <summary>
/// What a check says to a server and how its reply is judged, the same on a plain socket and inside TLS: nothing for
/// <c>tcp</c> (connecting is the check); an HTTP/1.1 GET with a Host header, passing on the status of the first line;
/// or the <c>send</c> string, passing when the reply starts with the <c>expect</c> string.
/// </summary>
public static class CheckExchange
{
    /// <summary>The most of an HTTP reply read for its status line.</summary>
    public const int StatusLineLimit = 1024;

    /// <summary>The bytes sent once connected (empty for <c>tcp</c>).</summary>
    public static ReadOnlyMemory<byte> Request(HealthCheck check, EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.Kind switch
        {
            CheckKind.Http => Encoding.ASCII.GetBytes(
                $"GET {check.Path} HTTP/1.1\r\nHost: {HostHeader(endPoint)}\r\nUser-Agent: quill-check\r\nConnection: close\r\n\r\n"),
            CheckKind.SendExpect => check.Send,
            _ => ReadOnlyMemory<byte>.Empty,
        };
    }

    /// <summary>The most reply bytes the verdict may need: 0 when the check passes once its request is sent.</summary>
    public static int ReplyLimit(HealthCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.Kind switch
        {
            CheckKind.Http => StatusLineLimit,
            CheckKind.SendExpect => check.Expect.Length,
            _ => 0,
        };
    }

    /// <summary>The verdict on the reply received so far, or null while it needs more bytes.</summary>
    /// <param name="closed">The server closed its side after <paramref name="received"/>.</param>
    public static CheckOutcome? Judge(HealthCheck check, ReadOnlySpan<byte> received, bool closed)
    {
        ArgumentNullException.ThrowIfNull(check);
        switch (check.Kind)
        {
            case CheckKind.Http:
                var lineEnd = received.IndexOf((byte)'\n');
                if (lineEnd >= 0) return Status(check, received[..lineEnd]);
                if (received.Length >= StatusLineLimit) return CheckOutcome.Fail("reply");
                break;
            case CheckKind.SendExpect:
                var expect = check.Expect.Span;
                var compared = Math.Min(received.Length, expect.Length);
                if (!received[..compared].SequenceEqual(expect[..compared])) return CheckOutcome.Fail("reply");
                if (compared == expect.Length) return CheckOutcome.Pass;
                break;
            default:
                return CheckOutcome.Pass;
        }

        return closed ? CheckOutcome.Fail("closed") : null;
    }

    /// <summary>"HTTP/1.1 200 OK": the version, one space, three digits.</summary>
    private static CheckOutcome Status(HealthCheck check, ReadOnlySpan<byte> line)
    {
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != ' '
            || !int.TryParse(line.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            return CheckOutcome.Fail("reply");
        return check.Passes(status)
            ? CheckOutcome.Pass
            : CheckOutcome.Fail(string.Create(CultureInfo.InvariantCulture, $"status={status}"));
    }

    /// <summary>The Host header: the name or address, with the port, IPv6 in brackets.</summary>
    private static string HostHeader(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint { Address.AddressFamily: AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => "localhost",
    };
}
