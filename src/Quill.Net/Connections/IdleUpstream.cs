using System.Net.Sockets;

namespace Quill.Net.Connections;

/// <summary>A server connection made in advance (pen's idlers), handed to a connector instead of a connect.</summary>
public sealed class IdleUpstream(Socket socket)
{
    internal Socket Socket { get; } = socket;
}
