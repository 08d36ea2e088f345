namespace Quill.Core.Health;

/// <summary>
/// A server's state as selection, <c>health</c>, the status page, USR1 and metrics see it. When several apply, the
/// first in this order wins: maintenance (the operator's "no connections at all"), down (active checks), blacklisted
/// (a failed connect), draining, up.
/// </summary>
public enum ServerAvailability
{
    Up,
    Down,
    Blacklisted,
    Draining,
    Maintenance,
}

/// <summary>The words <c>health</c>, the status page and USR1 print.</summary>
public static class ServerAvailabilityWords
{
    public static string Word(this ServerAvailability availability) => availability switch
    {
        ServerAvailability.Up => "up",
        ServerAvailability.Down => "down",
        ServerAvailability.Blacklisted => "blacklisted",
        ServerAvailability.Draining => "draining",
        ServerAvailability.Maintenance => "maint",
        _ => throw new ArgumentOutOfRangeException(nameof(availability)),
    };
}
