namespace Quill.Core.Health;

/// <summary>
/// What is happening to one server's health now: the operator's state, the active checks' verdict and streaks, the
/// last check, and when the server last came back (for slow start). Changed only under the selector's lock (through
/// <c>ServerSelector</c>); readers (health, status, USR1) see each value atomically.
/// </summary>
public sealed class ServerHealth
{
    /// <summary>The C of <c>health</c> before any check, or while checks are off.</summary>
    public const string NoCheck = "none";

    public AdminState Admin { get; internal set; }

    /// <summary>Taken out by <c>fall</c> failed checks in a row; back after <c>rise</c> passes.</summary>
    public bool CheckedDown { get; internal set; }

    /// <summary>Passes and failures in a row, for rise and fall.</summary>
    public int Passes { get; internal set; }
    public int Failures { get; internal set; }

    /// <summary><c>ok</c>, <c>fail:REASON</c> or <see cref="NoCheck"/>.</summary>
    public string LastResult { get; internal set; } = NoCheck;

    /// <summary>When the last check ended; null when none has.</summary>
    public DateTimeOffset? LastCheckAt { get; internal set; }

    /// <summary>When the server last became selectable again after down, drain or maint (blacklisting's end is
    /// computed from the failure time); null when it never left.</summary>
    public DateTimeOffset? BackAt { get; internal set; }

    /// <summary>Slow start in round robin and weight mode: the share of picks earned and not yet taken.</summary>
    internal double SlowStartCredit { get; set; }

    /// <summary>Counts one check; true when it changed the verdict (down, or up again).</summary>
    internal bool Record(bool passed, string result, int rise, int fall, DateTimeOffset now)
    {
        LastResult = result;
        LastCheckAt = now;
        if (passed)
        {
            Passes = Math.Min(Passes + 1, HealthSettings.MaxCount);
            Failures = 0;
            if (!CheckedDown || Passes < rise) return false;
            CheckedDown = false;
            CameBack(now);
            return true;
        }

        Failures = Math.Min(Failures + 1, HealthSettings.MaxCount);
        Passes = 0;
        if (CheckedDown || Failures < fall) return false;
        CheckedDown = true;
        return true;
    }

    /// <summary>Checks were turned off: no verdict, no last check; a down server is up again.</summary>
    internal void Forget(DateTimeOffset now)
    {
        if (CheckedDown) CameBack(now);
        (CheckedDown, Passes, Failures, LastResult, LastCheckAt) = (false, 0, 0, NoCheck, null);
    }

    internal void SetAdmin(AdminState admin, DateTimeOffset now)
    {
        if (Admin != AdminState.Normal && admin == AdminState.Normal) CameBack(now);
        Admin = admin;
    }

    internal void CameBack(DateTimeOffset at)
    {
        if (BackAt is null || at > BackAt)
        {
            BackAt = at;
            SlowStartCredit = 0;
        }
    }
}
