using System.Globalization;
using Quill.Core.Tls;

namespace Quill.Core.Control;

/// <summary>
/// ssl_ciphers, ssl_option and ssl_client_renegotiation_interval. As in pen they are read once, when the TLS context
/// is built at start-up, so only -o and -F set them in time; later they are checked and kept (for <c>write</c> and
/// the next start) and change nothing on the running listener, which is what pen does too. ssl_ocsp_response is the
/// exception, in pen as in quill: the file is read at handshakes.
/// </summary>
internal static class TlsCommands
{
    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["ssl_ciphers"] = (d, w) => Ciphers(d.Context, w);
        commands["ssl_option"] = (d, w) => Option(d.Context.Settings, w);
        commands["ssl_client_renegotiation_interval"] = (d, w) => Renegotiation(d.Context.Settings, w);
        commands["ssl_ocsp_response"] = (d, w) => OcspResponse(d.Context, w);
    }

    /// <summary>No argument clears it (nothing stapled), as for ssl_ciphers.</summary>
    private static ControlReply OcspResponse(ControlContext context, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        if (words.Length == 1)
        {
            context.Settings.OcspResponseFile = null;
            return ControlReply.None;
        }
        context.Settings.OcspResponseFile = context.Settings.PathReadLater(words[1]);
        return ControlReply.None;
    }

    /// <summary>No argument clears the list (quill's default list again); the words of a list with spaces are one list.</summary>
    private static ControlReply Ciphers(ControlContext context, string[] words)
    {
        var settings = context.Settings;
        if (words.Length == 1)
        {
            settings.SslCiphers = null;
            return ControlReply.None;
        }
        var list = string.Join(':', words.Skip(1));
        if (context.Runtime.CipherListError(list) is { } error) return ControlReply.Error($"ssl_ciphers: {error}");
        settings.SslCiphers = list;
        return ControlReply.None;
    }

    private static ControlReply Option(RuntimeSettings settings, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        var word = words.Length == 2 ? words[1] : "";
        if (!SslOptionWords.TryParse(word, out var flag))
            return ControlReply.Error($"ssl_option: expected {SslOptionWords.Expected}, not '{word}'");
        settings.SslOptions |= flag;
        return ControlReply.None;
    }

    /// <summary>pen crashes without an argument; quill reports the value. Whatever the value, quill's TLS refuses
    /// client-initiated renegotiation outright, which is what pen's default of an hour meant in practice.</summary>
    private static ControlReply Renegotiation(RuntimeSettings settings, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        if (words.Length == 1)
            return ControlReply.Line(settings.RenegotiationIntervalSeconds.ToString(CultureInfo.InvariantCulture));
        if (!CommandArguments.TryWhole(words, 1, out var seconds, out var error)) return error;
        settings.RenegotiationIntervalSeconds = seconds;
        return ControlReply.None;
    }
}
