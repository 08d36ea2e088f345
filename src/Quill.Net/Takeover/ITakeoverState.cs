namespace Quill.Net.Takeover;

/// <summary>
/// Something that watches a relay's bytes and remembers between reads what it has seen (the request parser of -H and
/// the access log, the JSON log's status watcher and its record of the connection). When the relay moves, its state is
/// written beside it; the process that carries the relay on (the next one, or this one taking it back) makes a fresh
/// instance as it would for a new connection and reads the state into it, so the instance goes on as the first would.
/// </summary>
public interface ITakeoverState
{
    /// <summary>Writes the state; the instance is not used again afterwards.</summary>
    void Save(BinaryWriter writer);

    /// <summary>Reads what <see cref="Save"/> wrote, into an instance made the same way as the one that wrote it.</summary>
    /// <exception cref="InvalidDataException">The state does not fit this instance.</exception>
    /// <exception cref="EndOfStreamException">The state is shorter than this instance expects.</exception>
    void Restore(BinaryReader reader);
}
