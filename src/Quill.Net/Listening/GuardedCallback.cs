namespace Quill.Net.Listening;

/// <summary>A caller's callback run by one of quill's own small servers (control port, web endpoint).</summary>
internal static class GuardedCallback
{
    /// <summary>Runs <paramref name="callback"/>; one that throws costs its connection, never the server.</summary>
    /// <param name="onError">Told what the callback threw.</param>
    public static bool TryCall<TIn, TOut>(Func<TIn, TOut> callback, TIn argument, Action<Exception>? onError, out TOut result)
    {
        try
        {
            result = callback(argument);
            return true;
        }
#pragma warning disable CA1031 // Whatever the callback throws, it is reported and only this connection ends.
        catch (Exception e)
#pragma warning restore CA1031
        {
            onError?.Invoke(e);
            result = default!;
            return false;
        }
    }
}
