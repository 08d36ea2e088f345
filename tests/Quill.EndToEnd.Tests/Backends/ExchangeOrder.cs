namespace Quill.EndToEnd.Tests.Backends;

/// <summary>Which side of a stress exchange sends first, and so which half-close the balancer has to pass on first.</summary>
public enum ExchangeOrder
{
    /// <summary>Both send at once; each half-closes when its own bytes are out, whichever that is first.</summary>
    Concurrent,

    /// <summary>Request then reply: the client sends and half-closes; only at that end does the backend answer.</summary>
    ClientFirst,

    /// <summary>The backend sends all and half-closes; only at that end does the client send its bytes.</summary>
    ServerFirst,
}
