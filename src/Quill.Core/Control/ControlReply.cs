namespace Quill.Core.Control;

/// <summary>What one penctl command answers: the exact reply bytes (possibly none) and whether it was refused.</summary>
/// <param name="Text">The reply as sent to the control client, line ends included.</param>
/// <param name="IsError">True when the command was refused and changed nothing.</param>
public readonly record struct ControlReply(string Text, bool IsError)
{
    public static ControlReply None => new("", false);

    public static ControlReply Line(string text) => new(text + "\n", false);

    public static ControlReply Error(string message) => new(message + "\n", true);
}
