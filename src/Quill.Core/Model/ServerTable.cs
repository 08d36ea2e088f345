namespace Quill.Core.Model;

/// <summary>The regular servers 0..N-1 plus the hidden emergency and abuse slots.</summary>
public sealed class ServerTable
{
    public ServerTable(IEnumerable<ServerState> regular, ServerState? emergency, ServerState? abuse) =>
        throw new NotImplementedException();
}
