using System.Net;
using Quill.Core.Configuration;
using Quill.Core.Model;
using Quill.Core.Status;

namespace Quill.Core.Tests.Status;

/// <summary>A snapshot with two servers, one client and one connection, at a fixed time.</summary>
internal static class StatusFixture
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 4, 50, 54, TimeSpan.Zero);

    public static StatusSnapshot Snapshot()
    {
        var a = new ServerState(new ServerSpec("127.0.0.1:19081", "127.0.0.1", 19081, null), new IPEndPoint(IPAddress.Loopback, 19081)) { Soft = 10, Hard = 20, Weight = 3, Prio = 4 };
        var b = new ServerState(new ServerSpec("127.0.0.1:19082", "127.0.0.1", 19082, null), new IPEndPoint(IPAddress.Loopback, 19082));
        return new StatusSnapshot
        {
            Now = Now,
            Servers = [a, b],
            States = [Quill.Core.Health.ServerAvailability.Up, Quill.Core.Health.ServerAvailability.Draining],
            Current = 1,
            ClientsMax = 2048,
            Clients = [new ClientEntry(0, IPAddress.Parse("127.0.0.5"), Now.AddSeconds(-7), 1, 3, 1072, 159)],
            ConnectionsMax = 256,
            Connections = [new ConnectionView(0, 8, 9, 0, 0, 0, 1)],
            LastConnection = 0,
        };
    }
}
