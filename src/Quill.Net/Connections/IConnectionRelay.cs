namespace Quill.Net.Connections;

/// <summary>
/// Moves one connection's bytes once its server is connected, for its <see cref="ConnectionLifecycle"/>: one
/// implementation per transport. It counts what it delivers in the plan's <see cref="TrafficCounter"/> and reports
/// <see cref="ConnectionLifecycle.Ended"/> exactly once, after its sockets are closed.
/// </summary>
public interface IConnectionRelay
{
    /// <summary>Relays until both directions have ended (half-closes forwarded), one fails, or <see cref="Abort"/>.</summary>
    void Start(RelayPlan plan);

    /// <summary>No server takes the client: closes it; <see cref="ConnectionLifecycle.Ended"/> follows.</summary>
    void Refuse();

    /// <summary>close N and shutdown: closes both sides soon, connecting or relaying; from any thread, more than once.</summary>
    void Abort();
}
