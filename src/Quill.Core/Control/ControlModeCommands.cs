namespace Quill.Core.Control;

/// <summary>
/// control_mode [MODE] (quill's own; pen leaves a unix control socket to the umask): the octal file mode a unix
/// control socket (-C /path) is created with, 0600 by default (only its owner, the -u user, and root may connect).
/// Read when the control socket opens, after -o and -F; given later it is kept for <c>write</c> and the next start.
/// No argument shows the mode.
/// </summary>
internal static class ControlModeCommands
{
    /// <summary>0777: setuid, setgid and sticky bits mean nothing on a socket and are refused.</summary>
    private const int AllPermissions = 0x1FF;

    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["control_mode"] = (d, w) =>
        {
            if (CommandArguments.Extra(w, 2) is { } extra) return extra;
            if (w.Length == 1) return ControlReply.Line(Text(d.Context.Settings.ControlSocketMode));
            if (!TryParse(w[1], out var mode))
                return ControlReply.Error($"control_mode: invalid mode '{w[1]}' (octal, 0000 to 0777)");
            d.Context.Settings.ControlSocketMode = mode;
            return ControlReply.None;
        };
    }

    /// <summary>The mode as written back: four octal digits.</summary>
    public static string Text(int mode) => Convert.ToString(mode, 8).PadLeft(4, '0');

    private static bool TryParse(string text, out int mode)
    {
        mode = 0;
        if (text.Length is < 1 or > 4 || !text.All(c => c is >= '0' and <= '7')) return false;
        mode = Convert.ToInt32(text, 8);
        return mode <= AllPermissions;
    }
}
