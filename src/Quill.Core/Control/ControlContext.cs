using Quill.Core.Acl;
using Quill.Core.Model;
using Quill.Core.Selection;

namespace Quill.Core.Control;

/// <summary>Everything penctl commands read and change: the selector and its tables, the ACLs, live settings and the process.</summary>
public sealed class ControlContext
{
    public required ServerSelector Selector { get; init; }
    public required SelectionSettings Selection { get; init; }
    public required AccessLists Acls { get; init; }
    public required RuntimeSettings Settings { get; init; }
    public required IBalancerRuntime Runtime { get; init; }
    public required TimeProvider Time { get; init; }

    /// <summary>Service names such as "http" for ports (/etc/services).</summary>
    public required Func<string, int?> Services { get; init; }

    /// <summary>Process-wide event counts (/metrics), shared with the connection side.</summary>
    public BalancerCounters Counters { get; init; } = new();

    public ServerTable Servers => Selector.Servers;
    public ClientTable Clients => Selector.Clients;
}
