using System.Net;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Model;
using Quill.Core.Selection;
using Quill.Net.Connections;

namespace Quill.Net.Tests.Connections;

/// <summary>What real connections share, over real servers: a round-robin selector, a registry and a recording log.</summary>
internal sealed class LoopbackServices
{
    public LoopbackServices(IReadOnlyList<EndPoint> servers, TimeProvider time)
    {
        Table = new ServerTable(servers.Select(Server), null, null);
        Selector = new ServerSelector(Table, new ClientTable(2048, time), new SelectionSettings { Flags = SelectionFlags.RoundRobin }, time);
        Registry = new ConnectionRegistry(100);
        Settings = new RuntimeSettings(new QuillOptions { Foreground = true });
        Services = new ConnectionServices(Selector, Registry, Settings, Log);
    }

    public ServerTable Table { get; }

    public ServerSelector Selector { get; }

    public ConnectionRegistry Registry { get; }

    /// <summary>The connection commands (idle_timeout, tcp_fastclose, -H...): change them before a client comes.</summary>
    public RuntimeSettings Settings { get; }

    public ConnectionServices Services { get; }

    public LifecycleFixture.RecordingLog Log { get; } = new();

    /// <summary>Bytes the server's counters have heard of, each way.</summary>
    public Traffic Counted(int server) => new(Table[server]!.SentToServer, Table[server]!.ReceivedFromServer);

    private static ServerState Server(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => new ServerState(new ServerSpec(ip.ToString(), ip.Address.ToString(), ip.Port, null), ip),
        _ => new ServerState(new ServerSpec(endPoint.ToString()!, null, 0, endPoint.ToString()), endPoint),
    };
}
