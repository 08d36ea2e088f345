using System.Globalization;
using System.Net;

namespace Quill.Core.Status;

/// <summary>
/// The statistics USR1 prints without -w: pen's debug messages, one per element (so each gets its own timestamp
/// or syslog record), with the client block pen meant to print instead of its format-string garbage, and each
/// server's state (up, down, blacklisted, draining, maint) as the last line of its block.
/// </summary>
public static class TextStatistics
{
    public static IReadOnlyList<string> Render(StatusSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var c = CultureInfo.InvariantCulture;
        var messages = new List<string>
        {
            string.Create(c, $"Time {snapshot.TimeText}, {snapshot.Servers.Count} servers, {snapshot.Current} current"),
        };
        for (var i = 0; i < snapshot.Servers.Count; i++)
        {
            var s = snapshot.Servers[i];
            messages.Add(string.Create(c,
                $"Server {i} status:\naddress {AddressText.Of(s.EndPoint)}\n{s.Status}\nport {s.Port}\n" +
                $"{s.Connections} connections ({s.Soft} soft, {s.Hard} hard)\n{s.SentToServer} sent, {s.ReceivedFromServer} received\nstate {snapshot.StateWord(i)}\n"));
        }

        messages.Add(string.Create(c, $"Max number of clients: {snapshot.ClientsMax}"));
        messages.Add("Active clients:");
        foreach (var client in snapshot.Clients)
        {
            messages.Add(string.Create(c,
                $"Client {client.Slot} status:\naddress {AddressText.Of(client.Address)}\nlast used {snapshot.AgeSeconds(client)}\n" +
                $"last server {client.Server}\nconnects  {client.Connects}\nsent  {client.SentToClient}\nreceived  {client.ReceivedFromClient}\n"));
        }

        messages.Add(string.Create(c, $"Max number of connections: {snapshot.ConnectionsMax}"));
        messages.Add("Active connections:");
        foreach (var conn in snapshot.Connections)
        {
            messages.Add(string.Create(c,
                $"Connection {conn.Slot} status:\ndownfd = {conn.DownFd}, upfd = {conn.UpFd}\n" +
                $"pending data {conn.PendingDown} down, {conn.PendingUp} up\nclient {conn.Client}, server {conn.Server}\n"));
        }

        return messages;
    }
}
