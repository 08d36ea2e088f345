using System.Text;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// How a stress connection's first bytes begin, before random fill and the binary header fields: beginnings that make
/// quill's -H filter hold bytes and keep scanning before it can tell the stream is not HTTP/1.x (a method, blank lines,
/// HTTP/2's preface, an SSH banner, a request line with junk after its version), and plain random bytes it refuses at
/// once. Shorter beginnings are filled with random bytes. Whatever the filter decides, every byte must reach the
/// backend. (A request line bent only by spaces, which a lenient server reads as a request, is refused instead: that is
/// Security/RequestSmugglingTests' case, so the junk here is not a space or a line end.)
/// </summary>
internal static class NonHttpLeads
{
    private static readonly byte[][] Beginnings = new[]
    {
        "", "G", "GET /", "\r\n\r\nPOST /upload?", "OPTIONS * ", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "SSH-2.0-OpenSSH_9.6\r\n",
        "GET / HTTP/1.1 x", "GET / HTTP/2\r\n",
    }.Select(Encoding.ASCII.GetBytes).ToArray();

    public static byte[] Draw(Random random)
    {
        var lead = new byte[Backends.ExchangeHeader.LeadLength];
        random.NextBytes(lead);
        Beginnings[random.Next(Beginnings.Length)].CopyTo(lead, 0);
        return lead;
    }
}
