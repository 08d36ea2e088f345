using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Quill.Ctl;

/// <summary>--json: the replies of <c>servers</c>, <c>mode</c>, <c>recent</c> and <c>health</c> as JSON, for scripts.</summary>
internal static class ReplyJson
{
    private static readonly string[] ServerFields = ["addr", "port", "conn", "max", "hard", "weight", "prio", "sx", "rx"];
    private static readonly string[] ServerNames = ["address", "port", "connections", "max", "hard", "weight", "prio", "sent", "received"];
    private static readonly string[] Modes = ["hash", "roundrobin", "stubborn", "weight", "prio"];

    /// <returns>Null when the reply is not the command's usual output (an error line, say).</returns>
    public static string? Convert(string command, string reply)
    {
        var lines = reply.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            var ok = command switch
            {
                "servers" => Servers(json, lines),
                "mode" => Mode(json, lines),
                "recent" => Recent(json, lines),
                "health" => Health(json, lines),
                _ => false,
            };
            if (!ok)
            {
                return null;
            }
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary><c>%d addr %s port %d conn %d max %d hard %d weight %d prio %d sx %llu rx %llu</c> per line.</summary>
    private static bool Servers(Utf8JsonWriter json, string[] lines)
    {
        json.WriteStartArray();
        foreach (var line in lines)
        {
            var words = line.Split(' ');
            if (words.Length != 1 + 2 * ServerFields.Length || !long.TryParse(words[0], CultureInfo.InvariantCulture, out var index))
            {
                return false;
            }

            json.WriteStartObject();
            json.WriteNumber("index", index);
            for (var f = 0; f < ServerFields.Length; f++)
            {
                var value = words[2 + 2 * f];
                if (words[1 + 2 * f] != ServerFields[f])
                {
                    return false;
                }

                if (f == 0)
                {
                    json.WriteString(ServerNames[f], value);
                }
                else if (long.TryParse(value, CultureInfo.InvariantCulture, out var number))
                {
                    json.WriteNumber(ServerNames[f], number);
                }
                else
                {
                    return false;
                }
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        return true;
    }

    /// <summary><c>%shash %sroundrobin %sstubborn %sweight %sprio</c>, each prefixed "no " when off.</summary>
    private static bool Mode(Utf8JsonWriter json, string[] lines)
    {
        if (lines.Length != 1)
        {
            return false;
        }

        var words = lines[0].Split(' ');
        json.WriteStartObject();
        var w = 0;
        foreach (var mode in Modes)
        {
            var off = w < words.Length && words[w] == "no";
            if (off)
            {
                w++;
            }

            if (w >= words.Length || words[w] != mode)
            {
                return false;
            }

            w++;
            json.WriteBoolean(mode, !off);
        }

        json.WriteEndObject();
        return w == words.Length;
    }

    /// <summary><c>N addr A port P state S check C last T</c> per line: the state, the last check's result and its unix time.</summary>
    private static bool Health(Utf8JsonWriter json, string[] lines)
    {
        json.WriteStartArray();
        foreach (var line in lines)
        {
            var words = line.Split(' ');
            if (words is not [var index, "addr", var address, "port", var port, "state", var state, "check", var check, "last", var last]
                || !long.TryParse(index, CultureInfo.InvariantCulture, out var i)
                || !long.TryParse(port, CultureInfo.InvariantCulture, out var p)
                || !long.TryParse(last, CultureInfo.InvariantCulture, out var t))
            {
                return false;
            }

            json.WriteStartObject();
            json.WriteNumber("index", i);
            json.WriteString("address", address);
            json.WriteNumber("port", p);
            json.WriteString("state", state);
            json.WriteString("check", check);
            json.WriteNumber("last", t);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        return true;
    }

    /// <summary><c>%s connects %ld sx %lld rx %lld</c> per line; sx was sent to the client, rx received from it.</summary>
    private static bool Recent(Utf8JsonWriter json, string[] lines)
    {
        json.WriteStartArray();
        foreach (var line in lines)
        {
            var words = line.Split(' ');
            if (words is not [var address, "connects", var connects, "sx", var sx, "rx", var rx]
                || !long.TryParse(connects, CultureInfo.InvariantCulture, out var c)
                || !long.TryParse(sx, CultureInfo.InvariantCulture, out var s)
                || !long.TryParse(rx, CultureInfo.InvariantCulture, out var r))
            {
                return false;
            }

            json.WriteStartObject();
            json.WriteString("address", address);
            json.WriteNumber("connects", c);
            json.WriteNumber("sent", s);
            json.WriteNumber("received", r);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        return true;
    }
}
