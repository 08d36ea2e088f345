using System.Net;
using Quill.Core.Configuration;

namespace Quill.Core.Model;

/// <summary>Runtime state of one server slot (regular, emergency or abuse). Mutated only under the selector's lock.</summary>
public sealed class ServerState
{
    public ServerState(ServerSpec spec, EndPoint endPoint) => throw new NotImplementedException();

    /// <summary>Where to connect; resolved once at start.</summary>
    public EndPoint EndPoint { get; set; } = null!;
}
