using System.Net;

namespace Quill.Core.Selection;

/// <summary>The ACL checks selection consults: pen's client_acl and each server's acl.</summary>
public interface IClientAdmission
{
    /// <summary>False sends the client to the abuse server, or closes it when there is none.</summary>
    bool AllowsClient(IPAddress? client);

    /// <summary>False makes the server refuse this client (try_server rejects it).</summary>
    bool AllowsServer(int serverIndex, IPAddress? client);
}
