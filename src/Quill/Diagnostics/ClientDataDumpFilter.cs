using System.Buffers;
using Quill.Net.Connections;

namespace Quill.Diagnostics;

/// <summary>
/// -d 3: dumps every chunk a client sends (hex, or text with -a), then hands it to the next filter. It remembers
/// nothing itself, so on a takeover its state is the next filter's: the successor may dump or not.
/// </summary>
internal sealed class ClientDataDumpFilter(DebugLog log, bool ascii, string client, IClientStreamFilter? next) : IClientStreamFilter
{
    public const int Level = 3;

    public void OnClientData(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        if (log.IsEnabled(Level)) log.Write(Level, DataDump.Format($"data from client {client}", chunk, ascii));
        if (next is null) output.Write(chunk);
        else next.OnClientData(chunk, output);
    }

    public void OnClientEnd(IBufferWriter<byte> output) => next?.OnClientEnd(output);

    public bool ClientStreamEnded => next?.ClientStreamEnded ?? false;

    public void Save(BinaryWriter writer) => next?.Save(writer);

    public void Restore(BinaryReader reader) => next?.Restore(reader);
}
