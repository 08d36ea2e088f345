using System.Net;

namespace Quill.Core.Health;

/// <summary>Runs checks against servers, on the wire; the check loop decides when and what the results mean.</summary>
public interface IHealthProbe
{
    /// <summary>Starts one check. <paramref name="done"/> is called once with its outcome ("timeout" when it took longer
    /// than <paramref name="timeout"/>), on the thread that runs the check loop; never after the probe is stopped.</summary>
    void Start(CheckTarget target, TimeSpan timeout, Action<CheckOutcome> done);
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
