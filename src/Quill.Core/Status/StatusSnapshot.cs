using Quill.Core.Model;

namespace Quill.Core.Status;

/// <summary>Everything the text statistics and the HTML status page show, read at one moment.</summary>
public sealed record StatusSnapshot
{
    /// <summary>Local time of the report.</summary>
    public required DateTimeOffset Now { get; init; }
    public required IReadOnlyList<ServerState> Servers { get; init; }
    /// <summary>Each server's state (up, down, blacklisted, draining, maint), in the same order; a removed server is told by its own flag.</summary>
    public required IReadOnlyList<Health.ServerAvailability> States { get; init; }
    /// <summary>pen's "current": the last server a connection was given to.</summary>
    public required int Current { get; init; }
    public required int ClientsMax { get; init; }
    public required IReadOnlyList<ClientEntry> Clients { get; init; }
    public required int ConnectionsMax { get; init; }
    public required IReadOnlyList<ConnectionView> Connections { get; init; }
    /// <summary>The connection slot given out most recently (pen's "last").</summary>
    public required int LastConnection { get; init; }

    /// <summary>The state word of server <paramref name="index"/> ("removed" after a reload took it away); "up" when the table
    /// grew after the states were read.</summary>
    internal string StateWord(int index) =>
        ServerCondition.Word(Servers[index], index < States.Count ? States[index] : Health.ServerAvailability.Up);

    internal string TimeText => Now.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    internal long AgeSeconds(ClientEntry client) => Math.Max(0, (long)(Now - client.Last).TotalSeconds);
}
