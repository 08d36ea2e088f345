using Quill.Net.Listening;

namespace Quill.Hosting;

/// <summary>
/// The listener clients are accepted from now. <c>listen ADDR</c> swaps in a new one and closes the old, which ends
/// the accept in progress; the accept loop then carries on with the new listener.
/// </summary>
internal sealed class ListenerSlot : IDisposable
{
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConnectionListener? _current;

    public ConnectionListener? Current => Volatile.Read(ref _current);

    /// <summary>Raised after each <see cref="Replace"/>, for the event loop that accepts from it.</summary>
    public event Action<ConnectionListener>? Replaced;

    /// <summary>The listen address as given, for <c>listen</c> and <c>write</c>.</summary>
    public string? Text { get; private set; }

    /// <summary>Completes when the first listener is in place.</summary>
    public Task Opened => _opened.Task;

    public void Replace(ConnectionListener listener, string text)
    {
        var old = Interlocked.Exchange(ref _current, listener);
        Text = text;
        // First, so the event loop lets go of the old listener, which Dispose waits for.
        Replaced?.Invoke(listener);
        old?.Dispose();
        _opened.TrySetResult();
    }

    public void Dispose() => Interlocked.Exchange(ref _current, null)?.Dispose();
}
