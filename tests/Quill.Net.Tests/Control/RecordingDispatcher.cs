using System.Collections.Concurrent;

namespace Quill.Net.Tests.Control;

/// <summary>Records every command line it is given and replies through a function of the line.</summary>
internal sealed class RecordingDispatcher(Func<string, string> reply)
{
    public RecordingDispatcher() : this(line => $"got {line}\n")
    {
    }

    public ConcurrentQueue<string> Commands { get; } = new();

    public string Dispatch(string line)
    {
        Commands.Enqueue(line);
        return reply(line);
    }
}
