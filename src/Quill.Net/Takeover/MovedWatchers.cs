namespace Quill.Net.Takeover;

/// <summary>
/// The saved states (<see cref="ITakeoverState"/>) of what watched a moving relay, each null when nothing did: the
/// client-stream filter (-H, the access log), the server-stream observer (the status for the JSON log) and the JSON
/// log's record of the connection. This is the one place their states are written and read back.
/// </summary>
public sealed record MovedWatchers(byte[]? ClientFilter, byte[]? ServerObserver, byte[]? Log)
{
    public static readonly MovedWatchers None = new(null, null, null);

    /// <summary>What <paramref name="watcher"/> knows now; null when there is none.</summary>
    public static byte[]? Save(ITakeoverState? watcher)
    {
        if (watcher is null) return null;
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer)) watcher.Save(writer);
        return buffer.ToArray();
    }

    /// <summary>
    /// <paramref name="fresh"/> carrying on from <paramref name="saved"/>; null when either is missing or the state
    /// does not fit it (a successor started with other options): the connection then goes on unwatched, as it would
    /// with a watcher that knows nothing of the bytes before.
    /// </summary>
    public static T? Restore<T>(T? fresh, byte[]? saved)
        where T : class, ITakeoverState
    {
        if (fresh is null || saved is null) return null;
        using var reader = new BinaryReader(new MemoryStream(saved));
        try
        {
            fresh.Restore(reader);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            return null;
        }
        return reader.BaseStream.Position == saved.Length ? fresh : null;
    }

    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WriteState(writer, ClientFilter);
        WriteState(writer, ServerObserver);
        WriteState(writer, Log);
    }

    public static MovedWatchers Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new MovedWatchers(ReadState(reader), ReadState(reader), ReadState(reader));
    }

    private static void WriteState(BinaryWriter writer, byte[]? state)
    {
        writer.Write(state?.Length ?? -1);
        if (state is not null) writer.Write(state);
    }

    private static byte[]? ReadState(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        if (length < -1) throw new IOException($"takeover: bad state length {length}");
        if (length < 0) return null;
        var state = reader.ReadBytes(length);
        return state.Length == length ? state : throw new IOException("takeover: a watcher's state is cut short");
    }
}
