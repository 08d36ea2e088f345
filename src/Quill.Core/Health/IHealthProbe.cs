using System.Net;

namespace Quill.Core.Health;

/// <summary>Runs one check against a server, on the wire; the check loop decides when and what the result means.</summary>
public interface IHealthProbe
{
    /// <param name="target">Where and what to check.</param>
    /// <param name="cancellationToken">Cancelled at the check's timeout (then the check fails as "timeout") or at stop.</param>
    Task<CheckOutcome> CheckAsync(CheckTarget target, CancellationToken cancellationToken);
}

/// <summary>One check to run: the server's address, the check, TLS or not, and the <c>source</c> address to connect from.</summary>
public readonly record struct CheckTarget(EndPoint EndPoint, HealthCheck Check, bool Tls, IPAddress? Source);

/// <summary>A check's result: passed, or failed with a one-word reason (refused, timeout, status=503, reply, closed...).</summary>
public readonly record struct CheckOutcome(bool Passed, string Reason)
{
    public static readonly CheckOutcome Pass = new(true, "");

    public static CheckOutcome Fail(string reason) => new(false, reason);

    /// <summary>What <c>health</c> shows: <c>ok</c> or <c>fail:REASON</c>.</summary>
    public string Result => Passed ? "ok" : "fail:" + Reason;
}
