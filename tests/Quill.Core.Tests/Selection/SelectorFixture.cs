using System.Net;
using Microsoft.Extensions.Time.Testing;
using Quill.Core.Configuration;
using Quill.Core.Model;
using Quill.Core.Selection;

namespace Quill.Core.Tests.Selection;

/// <summary>A selector over loopback servers 127.0.0.1:9001.. with a fake clock.</summary>
internal sealed class SelectorFixture
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public SelectorFixture(
        int servers, SelectionFlags flags = SelectionFlags.None, bool emergency = false, bool abuse = false,
        int clients = 2048, Func<int, ServerSpec>? spec = null)
    {
        spec ??= i => Spec(i);
        Time = new FakeTimeProvider(Start);
        Table = new ServerTable(
            Enumerable.Range(0, servers).Select(i => Server(spec(i))),
            emergency ? Server(Spec(99)) : null,
            abuse ? Server(Spec(98)) : null);
        Clients = new ClientTable(clients, Time);
        Settings = new SelectionSettings { Flags = flags };
        Selector = new ServerSelector(Table, Clients, Settings, Time);
    }

    public FakeTimeProvider Time { get; }
    public ServerTable Table { get; }
    public ClientTable Clients { get; }
    public SelectionSettings Settings { get; }
    public ServerSelector Selector { get; }

    public static ServerSpec Spec(int i, int soft = 0, int hard = 0, int weight = 0, int prio = 0) =>
        new($"127.0.0.1:{9001 + i}", "127.0.0.1", 9001 + i, null, soft, hard, weight, prio);

    public static ServerState Server(ServerSpec spec) =>
        new(spec, new IPEndPoint(IPAddress.Loopback, spec.Port));

    public static IPAddress Ip(string text) => IPAddress.Parse(text);

    /// <summary>Begin and finish at once: the server the client would be sent to, holding nothing afterwards.</summary>
    public int Pick(string client, int port = 40000)
    {
        var attempt = Selector.Begin(Ip(client), port);
        Selector.Finished(attempt, 0, 0);
        return attempt.Server;
    }

    public int[] Connections() => [.. Table.Regular.Select(s => s.Connections)];
}
