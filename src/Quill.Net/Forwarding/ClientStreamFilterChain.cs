using System.Buffers;

namespace Quill.Net.Forwarding;

/// <summary>Two filters in a row: what the first writes is what the second sees.</summary>
public sealed class ClientStreamFilterChain(IClientStreamFilter first, IClientStreamFilter second) : IClientStreamFilter
{
    private readonly ArrayBufferWriter<byte> _between = new();

    public bool ClientStreamEnded => first.ClientStreamEnded || second.ClientStreamEnded;

    public void OnClientData(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        _between.ResetWrittenCount();
        first.OnClientData(chunk, _between);
        second.OnClientData(_between.WrittenSpan, output);
    }
}
