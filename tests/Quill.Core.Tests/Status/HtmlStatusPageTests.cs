using System.Net;
using Quill.Core.Status;
using Xunit;

namespace Quill.Core.Tests.Status;

public class HtmlStatusPageTests
{
    private static readonly string Page = HtmlStatusPage.Render(StatusFixture.Snapshot());

    [Fact]
    public void Render_StartsAndEndsLikePens()
    {
        Assert.StartsWith(
            "<html>\n<head>\n<title>Pen status page</title>\n</head>\n<body bgcolor=\"#ffffff\"><h1>Pen status page</h1>\n" +
            "Time 2026-11-26 04:50:54, 2 servers, 1 current<p>\n<table bgcolor=\"#c0c0c0\">\n<tr>\n<td bgcolor=\"#80f080\">server</td>\n",
            Page, StringComparison.Ordinal);
        Assert.EndsWith("</table>\n</body>\n</html>\n", Page, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ServerRow_HasPensElevenCellsThenTheState()
    {
        Assert.Contains(
            "<tr>\n<td>0</td>\n<td>127.0.0.1</td>\n<td>0</td>\n<td>19081</td>\n<td>0</td>\n<td>10</td>\n<td>20</td>\n<td>0</td>\n<td>0</td>\n<td>3</td>\n<td>4</td>\n<td>up</td>\n</tr>\n",
            Page, StringComparison.Ordinal);
        Assert.Contains("<td>19082</td>\n<td>0</td>\n<td>0</td>\n<td>0</td>\n<td>0</td>\n<td>0</td>\n<td>0</td>\n<td>0</td>\n<td>draining</td>\n</tr>\n", Page, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ClientAndConnectionSections()
    {
        Assert.Contains("<h2>Active clients</h2>Max number of clients: 2048<p><table bgcolor=\"#c0c0c0\">\n", Page, StringComparison.Ordinal);
        Assert.Contains("<tr>\n<td>0</td>\n<td>127.0.0.5</td>\n<td>7</td>\n<td>1</td>\n<td>3</td>\n<td>1072</td>\n<td>159</td>\n</tr>\n", Page, StringComparison.Ordinal);
        Assert.Contains("<h2>Active connections</h2>Number of connections: 256 max, 1 used, 0 last<p>", Page, StringComparison.Ordinal);
        Assert.Contains("<tr>\n<td>0</td>\n<td>8</td>\n<td>9</td>\n<td>0</td>\n<td>0</td>\n<td>0</td>\n<td>1</td>\n</tr>\n", Page, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TagsBalance()
    {
        foreach (var tag in new[] { "html", "head", "title", "body", "h1", "h2", "table", "tr", "td" })
            Assert.Equal(Count(Page, $"<{tag}>") + Count(Page, $"<{tag} "), Count(Page, $"</{tag}>"));
    }

    [Fact]
    public void Render_Ipv6Client_ShownAsWritten()
    {
        var snapshot = StatusFixture.Snapshot();
        var page = HtmlStatusPage.Render(snapshot with { Clients = [snapshot.Clients[0] with { Address = IPAddress.IPv6Loopback }] });

        Assert.Contains("<td>::1</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MarkupInAName_IsEscaped()
    {
        var snapshot = StatusFixture.Snapshot();
        snapshot.Servers[1].EndPoint = new DnsEndPoint("a<b>&c", 80);

        var page = HtmlStatusPage.Render(snapshot);

        Assert.Contains("<td>a&lt;b&gt;&amp;c</td>", page, StringComparison.Ordinal);
    }

    private static int Count(string text, string part) =>
        (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
