using System.Globalization;
using System.Text;

namespace Quill.Core.Control;

/// <summary><c>recent [S]</c>: the clients seen in the last S seconds (300 by default).</summary>
internal static class ClientCommands
{
    private const int DefaultSeconds = 300;

    public static void Register(Dictionary<string, CommandHandler> commands) => commands["recent"] = Recent;

    private static ControlReply Recent(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra)
        {
            return extra;
        }

        var seconds = DefaultSeconds;
        if (words.Length == 2 && !CommandArguments.TryWhole(words, 1, out seconds, out var error))
        {
            return error;
        }

        var context = dispatcher.Context;
        var since = context.Time.GetUtcNow() - TimeSpan.FromSeconds(seconds);
        var text = new StringBuilder();
        foreach (var client in context.Clients.Snapshot())
        {
            if (client.Last >= since)
            {
                // sx is what was sent to the client, rx what was received from it.
                text.Append(CultureInfo.InvariantCulture,
                    $"{client.Address?.ToString() ?? "unix"} connects {client.Connects} sx {client.SentToClient} rx {client.ReceivedFromClient}\n");
            }
        }

        return new ControlReply(text.ToString(), false);
    }
}
