using Quill.Core.Configuration;
using Quill.Core.Model;
using Quill.Core.Selection;
using Quill.Net;

namespace Quill.Hosting;

/// <summary>The running balancer's tables and selector, built from the options with every server resolved once.</summary>
internal sealed class BalancerState
{
    private BalancerState(ServerSelector selector, SelectionSettings settings, ServerTable servers, ClientTable clients)
    {
        Selector = selector;
        Settings = settings;
        Servers = servers;
        Clients = clients;
    }

    public ServerSelector Selector { get; }
    public SelectionSettings Settings { get; }
    public ServerTable Servers { get; }
    public ClientTable Clients { get; }

    /// <exception cref="ArgumentException">A server spec that cannot be resolved.</exception>
    public static BalancerState Create(QuillOptions options, TimeProvider time)
    {
        var regular = options.Servers.Select(spec => new ServerState(spec, EndPointResolver.ResolveServer(spec)));
        var servers = new ServerTable(regular.ToList(), Resolve(options.Emergency), Resolve(options.Abuse));
        var clients = new ClientTable(options.ClientsMax, time) { TrackingSeconds = options.TrackingSeconds };
        var settings = new SelectionSettings { Flags = options.Selection, BlacklistSeconds = options.BlacklistSeconds };
        return new BalancerState(new ServerSelector(servers, clients, settings, time), settings, servers, clients);
    }

    private static ServerState? Resolve(ServerSpec? spec) =>
        spec is null ? null : new ServerState(spec, EndPointResolver.ResolveServer(spec));
}
