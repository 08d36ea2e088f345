using System.Globalization;
using System.Net;
using System.Text;

namespace Quill.Core.Status;

/// <summary>
/// pen's HTML status page (-w, USR1, the status command), line for line, with every value HTML-escaped and the
/// table rows inside their tables so the page parses as HTML; the server table ends with each server's state.
/// Written by hand, not by a template library, for pen compatibility: the page is pen's, line for line.
/// </summary>
public static class HtmlStatusPage
{
    private const string Table = "<table bgcolor=\"#c0c0c0\">";

    public static string Render(StatusSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var c = CultureInfo.InvariantCulture;
        var page = new StringBuilder(4096);
        page.Append("<html>\n<head>\n<title>Pen status page</title>\n</head>\n")
            .Append("<body bgcolor=\"#ffffff\"><h1>Pen status page</h1>\n")
            .Append(c, $"Time {snapshot.TimeText}, {snapshot.Servers.Count} servers, {snapshot.Current} current<p>\n")
            .Append(Table).Append('\n');
        Header(page, "server", "address", "status", "port", "connections", "max soft", "max hard", "sent", "received", "weight", "prio", "state");
        for (var i = 0; i < snapshot.Servers.Count; i++)
        {
            var s = snapshot.Servers[i];
            Row(page, N(i), AddressText.Of(s.EndPoint), N(s.Status), N(s.Port), N(s.Connections), N(s.Soft), N(s.Hard),
                N(s.SentToServer), N(s.ReceivedFromServer), N(s.Weight), N(s.Prio), snapshot.StateWord(i));
        }

        page.Append("</table>\n")
            .Append(c, $"<h2>Active clients</h2>Max number of clients: {snapshot.ClientsMax}<p>").Append(Table).Append('\n');
        Header(page, "client", "address", "age(secs)", "last server", "connects", "sent", "received");
        foreach (var client in snapshot.Clients)
        {
            Row(page, N(client.Slot), AddressText.Of(client.Address), N(snapshot.AgeSeconds(client)), N(client.Server),
                N(client.Connects), N(client.SentToClient), N(client.ReceivedFromClient));
        }

        page.Append("</table>\n")
            .Append(c, $"<h2>Active connections</h2>Number of connections: {snapshot.ConnectionsMax} max, ")
            .Append(c, $"{snapshot.Connections.Count} used, {snapshot.LastConnection} last<p>").Append(Table).Append('\n');
        Header(page, "connection", "downfd", "upfd", "pending data down", "pending data up", "client", "server");
        foreach (var conn in snapshot.Connections)
        {
            Row(page, N(conn.Slot), N(conn.DownFd), N(conn.UpFd), N(conn.PendingDown), N(conn.PendingUp), N(conn.Client), N(conn.Server));
        }

        return page.Append("</table>\n</body>\n</html>\n").ToString();
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Header(StringBuilder page, params string[] names)
    {
        page.Append("<tr>\n");
        foreach (var name in names) page.Append("<td bgcolor=\"#80f080\">").Append(name).Append("</td>\n");
        page.Append("</tr>\n");
    }

    private static void Row(StringBuilder page, params string[] cells)
    {
        page.Append("<tr>\n");
        foreach (var cell in cells) page.Append("<td>").Append(WebUtility.HtmlEncode(cell)).Append("</td>\n");
        page.Append("</tr>\n");
    }
}
