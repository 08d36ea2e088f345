using System.Buffers;
using System.Text.Json;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Model;

namespace Quill.Core.Status;

/// <summary>
/// The JSON of /api/status and of <c>json servers|recent|mode|status</c> (quillctl --json): written by the server from
/// its own state with Utf8JsonWriter (no reflection, NativeAOT-safe). Field names are the text replies' words spelt out.
/// </summary>
public static class StatusJson
{
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer)) write(json);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The rows of <c>servers</c>, each with its state.</summary>
    public static void Servers(Utf8JsonWriter json, IReadOnlyList<ServerState> servers, DateTimeOffset now, TimeSpan blacklistTime) =>
        ServerRows(json, servers, (s, row) =>
        {
            row.WriteNumber("connections", s.Connections);
            row.WriteNumber("max", s.Soft);
            row.WriteNumber("hard", s.Hard);
            row.WriteNumber("weight", s.Weight);
            row.WriteNumber("prio", s.Prio);
            row.WriteNumber("sent", s.SentToServer);
            row.WriteNumber("received", s.ReceivedFromServer);
            row.WriteString("state", ServerCondition.Of(s, now, blacklistTime));
            row.WriteNumber("connections_total", s.Statistics.Connections);
            row.WriteNumber("blacklistings", s.Statistics.Blacklistings);
        });

    /// <summary>The rows of <c>health</c>: state, the last check's result and its unix time (0 when none).</summary>
    public static void Health(Utf8JsonWriter json, IReadOnlyList<ServerState> servers, DateTimeOffset now, TimeSpan blacklistTime) =>
        ServerRows(json, servers, (s, row) =>
        {
            row.WriteString("state", ServerCondition.Of(s, now, blacklistTime));
            row.WriteString("check", s.Health.LastResult);
            row.WriteNumber("last", s.Health.LastCheckAt?.ToUnixTimeSeconds() ?? 0);
        });

    /// <summary>One object per server slot: its index, address and port, then what <paramref name="fields"/> writes.</summary>
    private static void ServerRows(Utf8JsonWriter json, IReadOnlyList<ServerState> servers, Action<ServerState, Utf8JsonWriter> fields)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(servers);
        json.WriteStartArray();
        for (var i = 0; i < servers.Count; i++)
        {
            var s = servers[i];
            json.WriteStartObject();
            json.WriteNumber("index", i);
            json.WriteString("address", ServerCommands.AddressText(s.EndPoint));
            json.WriteNumber("port", s.Port);
            fields(s, json);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>The rows of <c>recent</c>: clients seen since <paramref name="since"/>; sent is to the client.</summary>
    public static void Recent(Utf8JsonWriter json, IEnumerable<ClientEntry> clients, DateTimeOffset since)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(clients);
        json.WriteStartArray();
        foreach (var client in clients)
        {
            if (client.Last < since) continue;
            json.WriteStartObject();
            json.WriteString("address", client.Address?.ToString() ?? "unix");
            json.WriteNumber("connects", client.Connects);
            json.WriteNumber("sent", client.SentToClient);
            json.WriteNumber("received", client.ReceivedFromClient);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary><c>mode</c>: each mode word with true when on.</summary>
    public static void Mode(Utf8JsonWriter json, SelectionFlags flags)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        foreach (var (word, flag) in ModeCommands.Modes) json.WriteBoolean(word, (flags & flag) != 0);
        json.WriteEndObject();
    }

    /// <summary>Everything the live page shows: listener and mode, servers, client table, connections, errors.</summary>
    public static void Live(Utf8JsonWriter json, LiveStatus status)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(status);
        var snapshot = status.Snapshot;
        json.WriteStartObject();
        json.WriteString("time", status.UtcNow);
        json.WriteNumber("uptime_seconds", Math.Round(status.Uptime.TotalSeconds, 1));
        json.WriteString("version", BuildInfo.Version);
        json.WriteString("listen", status.Listen);
        json.WriteString("transport", status.Udp ? "udp" : status.Tls ? "tls" : "tcp");
        json.WriteBoolean("http", status.Http);
        json.WritePropertyName("mode");
        Mode(json, status.Mode);
        json.WritePropertyName("servers");
        Servers(json, snapshot.Servers, status.UtcNow, status.BlacklistTime);
        json.WriteStartObject("clients");
        json.WriteNumber("size", snapshot.Clients.Count);
        json.WriteNumber("capacity", snapshot.ClientsMax);
        json.WriteEndObject();
        json.WriteStartObject("connections");
        json.WriteNumber("open", snapshot.Connections.Count);
        json.WriteNumber("max", snapshot.ConnectionsMax);
        json.WriteNumber("accepted_total", status.Counters.Accepted);
        json.WriteNumber("refused_by_acl_total", status.Counters.RefusedByAcl);
        json.WriteNumber("udp_sessions_total", status.Counters.UdpSessions);
        json.WriteEndObject();
        json.WriteStartArray("errors");
        foreach (var error in status.Errors)
        {
            json.WriteStartObject();
            json.WriteString("time", error.Time);
            json.WriteString("message", error.Message);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
