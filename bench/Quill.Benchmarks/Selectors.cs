using System.Net;
using Quill.Core.Configuration;
using Quill.Core.Model;
using Quill.Core.Selection;

namespace Quill.Benchmarks;

/// <summary>Selectors built as quill builds them, with every server on its own loopback port.</summary>
internal static class Selectors
{
    public static ServerSelector Create(int servers, int clientSlots, SelectionFlags flags)
    {
        var regular = Enumerable.Range(0, servers).Select(i =>
        {
            var port = 10_000 + i;
            return new ServerState(new ServerSpec($"127.0.0.1:{port}", "127.0.0.1", port, null), new IPEndPoint(IPAddress.Loopback, port))
            {
                Weight = 1 + i % 7,
                Prio = i % 5,
            };
        });
        var table = new ServerTable(regular.ToList(), emergency: null, abuse: null);
        var clients = new ClientTable(clientSlots, TimeProvider.System);
        return new ServerSelector(table, clients, new SelectionSettings { Flags = flags }, TimeProvider.System);
    }
}
