using System.Buffers;

namespace Quill.Net.Connections;

/// <summary>
/// Sees, and may rewrite, the client-to-server byte stream of one connection
/// (X-Forwarded-For insertion, the access log, -d 3 dumps). One instance per connection; called from one direction only.
/// What it remembers between chunks moves with the connection on a takeover.
/// </summary>
public interface IClientStreamFilter : Takeover.ITakeoverState
{
    /// <summary>Called for each chunk received from the client; writes the bytes to send to the server into <paramref name="output"/>.</summary>
    void OnClientData(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output);

    /// <summary>The client sent its EOF: writes whatever the filter still holds that must reach the server.</summary>
    void OnClientEnd(IBufferWriter<byte> output)
    {
    }

    /// <summary>
    /// True once the filter refuses the rest of the client's stream: the forwarder then half-closes toward the server
    /// (which answers what it already has) and discards whatever else the client sends.
    /// </summary>
    bool ClientStreamEnded => false;
}
