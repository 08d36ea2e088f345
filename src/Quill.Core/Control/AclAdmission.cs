using System.Net;
using Quill.Core.Acl;
using Quill.Core.Model;
using Quill.Core.Selection;

namespace Quill.Core.Control;

/// <summary>The selector's ACL checks: client_acl for every new client, and each server's own acl.</summary>
public sealed class AclAdmission(AccessLists acls, RuntimeSettings settings, ServerTable servers, BalancerCounters? counters = null)
    : IClientAdmission
{
    public bool AllowsClient(IPAddress? client)
    {
        if (acls.Permits(settings.ClientAcl, client)) return true;
        counters?.ClientRefusedByAcl();
        return false;
    }

    public bool AllowsServer(int serverIndex, IPAddress? client) =>
        servers[serverIndex] is not { } server || acls.Permits(server.Acl, client);
}
