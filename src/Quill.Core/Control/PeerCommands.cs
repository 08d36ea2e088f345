using Quill.Core.Configuration;
using Quill.Core.Peers;

namespace Quill.Core.Control;

/// <summary>
/// The client-table sync between two quills (docs/ha.md): <c>peer [HOST:PORT]</c> and <c>no peer [HOST:PORT]</c>
/// (where this quill sends its table), <c>peer_listen [ADDR]</c> and <c>no peer_listen</c> (where it takes a peer's),
/// <c>peer_key [FILE]</c> (the shared key both sign with, read from the file).
/// </summary>
internal static class PeerCommands
{
    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["peer"] = Peer;
        commands["no peer"] = NoPeer;
        commands["peer_listen"] = PeerListen;
        commands["no peer_listen"] = (d, w) => CommandArguments.Extra(w, 2) ?? ClosePeerListen(d.Context.Runtime);
        commands["peer_key"] = PeerKeyCommand;
    }

    private static ControlReply Peer(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        var peers = dispatcher.Context.Settings.Peers;
        if (words.Length == 1)
        {
            return new ControlReply(string.Concat(peers.Peers.Select(p => p.Text + "\n")), false);
        }

        if (!ListenSpecParser.TryParse(words[1], dispatcher.Context.Services, out var spec, out var error))
        {
            return ControlReply.Error($"peer: {error.Replace("listen address", "peer address", StringComparison.Ordinal)}");
        }

        if (spec!.IsUnix || spec.Port == 0) return ControlReply.Error($"peer: '{words[1]}' is not HOST:PORT");
        if (peers.Add(spec)) dispatcher.Context.Runtime.PeersChanged();
        return ControlReply.None;
    }

    private static ControlReply NoPeer(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 3) is { } extra) return extra;
        var peers = dispatcher.Context.Settings.Peers;
        if (words.Length == 2) peers.RemoveAll();
        else if (!peers.Remove(words[2])) return ControlReply.Error($"no peer: '{words[2]}' is not a peer");
        dispatcher.Context.Runtime.PeersChanged();
        return ControlReply.None;
    }

    private static ControlReply PeerListen(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        var runtime = dispatcher.Context.Runtime;
        if (words.Length == 2)
        {
            // The same address rules as -C and web_listen: a bare port means loopback only.
            if (!ListenSpecParser.TryParseControl(words[1], ("peer_listen", "peer listener"), dispatcher.Context.Services,
                    out var spec, out _, out var error))
            {
                return ControlReply.Error($"peer_listen: {error}");
            }

            if (spec!.IsUnix) return ControlReply.Error($"peer_listen: '{words[1]}' is not a TCP address");
            if (runtime.TryPeerListen(spec) is { } reason) return ControlReply.Error($"peer_listen: {reason}");
        }

        return runtime.PeerListenText is { } text ? ControlReply.Line(text) : ControlReply.None;
    }

    private static ControlReply ClosePeerListen(IBalancerRuntime runtime)
    {
        runtime.ClosePeerListen();
        return ControlReply.None;
    }

    private static ControlReply PeerKeyCommand(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        var settings = dispatcher.Context.Settings;
        if (words.Length == 1)
        {
            return settings.Peers.KeyFile is { } file ? ControlReply.Line(file) : ControlReply.None;
        }

        if (PeerKey.Read(words[1], out var error) is not { } key) return ControlReply.Error($"peer_key: {error}");
        settings.Peers.UseKey(settings.PathReadLater(words[1]), key);
        dispatcher.Context.Runtime.PeersChanged();
        return ControlReply.None;
    }
}
