namespace Quill.Core.Control;

/// <summary>
/// geoip_path [DIR|FILE]: the country database, opened when quill starts (after -o and -F, before any chroot);
/// no argument goes back to pen's legacy files. Given later it is kept for <c>write</c> and the next start only.
/// </summary>
internal static class GeoIpCommands
{
    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["geoip_path"] = (d, w) =>
        {
            if (CommandArguments.Extra(w, 2) is { } extra) return extra;
            d.Context.Settings.GeoIpPath = w.Length == 2 ? w[1] : null;
            return ControlReply.None;
        };
    }
}
