using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>
/// Slow start for the modes that share new clients out (round robin, weight): a server ramping up at share f is taken
/// on only f of the times the mode picks it, counted with a credit so the share is exact and needs no randomness.
/// Called under the selector's lock.
/// </summary>
internal static class SlowStart
{
    /// <summary>True when the mode may give this client to <paramref name="server"/>; false means "pick another".</summary>
    public static bool Admits(ServerState server, in SelectionContext context)
    {
        var share = Share(server, context);
        if (share >= 1) return true;
        var credit = server.Health.SlowStartCredit + share;
        var admitted = credit >= 1;
        server.Health.SlowStartCredit = admitted ? credit - 1 : credit;
        return admitted;
    }

    public static bool IsRamping(ServerState server, in SelectionContext context) => Share(server, context) < 1;

    private static double Share(ServerState server, in SelectionContext context) =>
        server.SlowStartShare(context.Now, context.BlacklistTime, server.HealthSettings.SlowStartSeconds ?? context.SlowStartSeconds);
}
