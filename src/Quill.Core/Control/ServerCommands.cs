using System.Globalization;
using System.Net;
using Quill.Core.Configuration;
using Quill.Core.Model;

namespace Quill.Core.Control;

/// <summary><c>servers</c> and <c>server N [acl A] [address A] [port P] [max M] [hard H] [blacklist T] [weight W] [prio P]
/// [proxy v1|v2|off|default]</c> (<c>default</c>: no value of its own, the global <c>proxy</c> applies).</summary>
internal static class ServerCommands
{
    /// <summary>A typo such as "server 80000" should not create eighty thousand unused slots.</summary>
    public const int MaxServerIndex = 65535;

    private static readonly string[] Keys = ["acl", "address", "port", "max", "hard", "blacklist", "weight", "prio", "proxy"];

    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["servers"] = (d, w) => CommandArguments.Extra(w, 1) ?? List(d.Context);
        commands["server"] = (d, w) => Change(d.Context, w);
    }

    /// <summary>The address as <c>servers</c> and <c>write</c> show it: the IP, the host name or the socket path.</summary>
    public static string AddressText(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.Address.ToString(),
        DnsEndPoint dns => dns.Host,
        _ => endPoint.ToString() ?? "",
    };

    private static ControlReply List(ControlContext context)
    {
        var text = new System.Text.StringBuilder();
        var servers = context.Servers.Regular;
        for (var i = 0; i < servers.Count; i++)
        {
            var s = servers[i];
            text.Append(CultureInfo.InvariantCulture,
                $"{i} addr {AddressText(s.EndPoint)} port {s.Port} conn {s.Connections} max {s.Soft} hard {s.Hard} weight {s.Weight} prio {s.Prio} sx {s.SentToServer} rx {s.ReceivedFromServer}\n");
        }

        return new ControlReply(text.ToString(), false);
    }

    /// <summary>Every pair is checked (and the address resolved) before anything changes.</summary>
    private static ControlReply Change(ControlContext context, string[] words)
    {
        if (words.Length < 2)
        {
            return ControlReply.Error("server: missing server number");
        }

        if (!CommandArguments.TryWhole(words, 1, out var index, out var error))
        {
            return error;
        }

        if (index > MaxServerIndex)
        {
            return ControlReply.Error($"server: server number {index} out of range 0-{MaxServerIndex}");
        }

        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        string? address = null;
        Proxy.ProxyVersion? proxy = null;
        var proxyGiven = false;
        for (var i = 2; i < words.Length; i += 2)
        {
            var key = words[i];
            if (!Keys.Contains(key))
            {
                return ControlReply.Error($"server: unknown setting '{key}' (expected {string.Join(", ", Keys)})");
            }

            if (i + 1 >= words.Length)
            {
                return ControlReply.Error($"server: missing value after '{key}'");
            }

            if (key == "address")
            {
                address = words[i + 1];
                continue;
            }

            if (key == "proxy")
            {
                proxyGiven = true;
                if (words[i + 1] == HealthCommands.DefaultWord)
                {
                    proxy = null;
                    continue;
                }

                if (!Proxy.ProxyVersionWords.TryParse(words[i + 1], out var version))
                {
                    return ControlReply.Error($"server: proxy expects v1, v2, off or default, not '{words[i + 1]}'");
                }

                proxy = version;
                continue;
            }

            if (!TryValue(context, words, i, out var value, out error))
            {
                return error;
            }

            values[key] = value;
        }

        var current = index < context.Servers.Count ? context.Servers.Regular[index].EndPoint : null;
        var port = values.TryGetValue("port", out var newPort) ? newPort : current is null ? 0 : PortOf(current);
        EndPoint? endPoint = null;
        if (address is not null)
        {
            endPoint = context.Runtime.ResolveServer(address, port, out var reason);
            if (endPoint is null)
            {
                return ControlReply.Error($"server: {reason}");
            }
        }
        else if (values.ContainsKey("port") && current is IPEndPoint ip)
        {
            endPoint = new IPEndPoint(ip.Address, port);
        }
        else if (values.ContainsKey("port") && current is null)
        {
            endPoint = new IPEndPoint(IPAddress.Any, port);
        }

        context.Selector.ChangeServer(index, ServerState.Unused, server =>
        {
            Apply(server, endPoint, values);
            if (proxyGiven) server.Proxy = proxy;
        });
        if (values.TryGetValue("blacklist", out var seconds))
        {
            context.Selector.Blacklist(index, seconds);
        }

        return ControlReply.None;
    }

    private static bool TryValue(ControlContext context, string[] words, int i, out int value, out ControlReply error)
    {
        var key = words[i];
        if (key == "acl")
        {
            return CommandArguments.TryAclNumber([$"server {words[1]} acl", words[i + 1]], 1, out value, out error);
        }

        if (key == "port")
        {
            error = default;
            // Port 0 is what write prints for an unused slot, so it must read back.
            if (words[i + 1] == "0")
            {
                value = 0;
                return true;
            }

            if (PortNumber.TryParse(words[i + 1], context.Services, out value, out var reason))
            {
                return true;
            }

            error = ControlReply.Error($"server: {reason}");
            return false;
        }

        return CommandArguments.TryWhole([$"server {words[1]} {key}", words[i + 1]], 1, out value, out error);
    }

    private static int PortOf(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.Port,
        DnsEndPoint dns => dns.Port,
        _ => 0,
    };

    private static void Apply(ServerState server, EndPoint? endPoint, Dictionary<string, int> values)
    {
        // A port alone leaves a unix-socket server as it is: it has no port. A new address also takes back a
        // slot that a reload removed: the operator names a server there again.
        if (endPoint is not null)
        {
            server.EndPoint = endPoint;
            server.Removed = false;
        }

        foreach (var (key, value) in values)
        {
            switch (key)
            {
                case "acl": server.Acl = value; break;
                case "max": server.Soft = value; break;
                case "hard": server.Hard = value; break;
                case "weight": server.Weight = value; break;
                case "prio": server.Prio = value; break;
            }
        }
    }
}
