namespace Quill.Core.Health;

/// <summary>
/// Health settings as the operator set them: per server (<c>server N check ...</c>; null = "no own value", the global
/// default applies) or the global defaults (<c>check ...</c>, every value set). Changed by control commands, read
/// afresh by the check loop and by selection; each value is replaced whole, so readers never see half a change.
/// </summary>
public sealed class HealthSettings
{
    public const int MinIntervalMs = 100;
    public const int MaxMs = 86_400_000;
    public const int MaxCount = 1000;
    public const int MaxSlowStartSeconds = 86_400;

    public HealthCheck? Check { get; set; }
    /// <summary>check_interval: ms from the start of one check to the start of the next.</summary>
    public int? IntervalMs { get; set; }
    /// <summary>check_timeout: ms a check may take, connect included, before it fails as "timeout".</summary>
    public int? TimeoutMs { get; set; }
    /// <summary>rise: passes in a row that bring a down server back up.</summary>
    public int? Rise { get; set; }
    /// <summary>fall: failures in a row that take a server down.</summary>
    public int? Fall { get; set; }
    /// <summary>check_tls: run the check inside TLS (quill has no TLS toward servers, so the operator says when one speaks it).</summary>
    public bool? Tls { get; set; }
    /// <summary>slowstart: seconds over which a server that came back ramps up to its full share of new clients.</summary>
    public int? SlowStartSeconds { get; set; }

    /// <summary>The global defaults quill starts with: no checks; when turned on, every 2 s, 1 s timeout, rise 2, fall 3.</summary>
    public static HealthSettings Defaults() => new()
    {
        Check = HealthCheck.Off, IntervalMs = 2000, TimeoutMs = 1000, Rise = 2, Fall = 3, Tls = false, SlowStartSeconds = 0,
    };

    /// <summary>This server's own values, each falling back to <paramref name="defaults"/>.</summary>
    public EffectiveHealth Over(HealthSettings defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return new EffectiveHealth(
            Check ?? defaults.Check ?? HealthCheck.Off,
            IntervalMs ?? defaults.IntervalMs ?? 2000,
            TimeoutMs ?? defaults.TimeoutMs ?? 1000,
            Rise ?? defaults.Rise ?? 2,
            Fall ?? defaults.Fall ?? 3,
            Tls ?? defaults.Tls ?? false,
            SlowStartSeconds ?? defaults.SlowStartSeconds ?? 0);
    }

    /// <summary>True when no value is set (a server that follows the defaults in everything).</summary>
    public bool IsEmpty => Check is null && IntervalMs is null && TimeoutMs is null && Rise is null && Fall is null
        && Tls is null && SlowStartSeconds is null;
}

/// <summary>The health settings in force for one server: its own values over the global defaults.</summary>
public readonly record struct EffectiveHealth(
    HealthCheck Check, int IntervalMs, int TimeoutMs, int Rise, int Fall, bool Tls, int SlowStartSeconds);
