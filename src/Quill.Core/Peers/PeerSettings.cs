using Quill.Core.Configuration;

namespace Quill.Core.Peers;

/// <summary>
/// peer and peer_key as the operator gave them: the quills this one sends its client table to, and the shared key.
/// peer_listen's socket belongs to the runtime. Changed by the dispatcher only; the links read it as it stands.
/// </summary>
public sealed class PeerSettings
{
    private readonly Lock _gate = new();
    private List<ListenSpec> _peers = [];
    private byte[]? _key;

    /// <summary>The peers in the order named.</summary>
    public IReadOnlyList<ListenSpec> Peers
    {
        get
        {
            lock (_gate) return [.. _peers];
        }
    }

    /// <summary>peer_key: the file as given (made absolute), or null.</summary>
    public string? KeyFile { get; private set; }

    /// <summary>The key read from <see cref="KeyFile"/>; null until peer_key.</summary>
    public byte[]? Key
    {
        get
        {
            lock (_gate) return _key;
        }
    }

    /// <returns>False when the peer was named already.</returns>
    public bool Add(ListenSpec peer)
    {
        lock (_gate)
        {
            if (_peers.Any(p => p.Text == peer.Text)) return false;
            _peers = [.. _peers, peer];
            return true;
        }
    }

    /// <returns>False when no such peer was named.</returns>
    public bool Remove(string text)
    {
        lock (_gate)
        {
            var kept = _peers.Where(p => p.Text != text).ToList();
            if (kept.Count == _peers.Count) return false;
            _peers = kept;
            return true;
        }
    }

    public void RemoveAll()
    {
        lock (_gate) _peers = [];
    }

    /// <summary>A reload: the peers become those <paramref name="named"/> (what the -o commands and the file name), as
    /// the servers do. Returns false when none was dropped.</summary>
    public bool KeepOnly(IReadOnlyList<ListenSpec> named)
    {
        lock (_gate)
        {
            var kept = _peers.Where(p => named.Any(n => n.Text == p.Text)).ToList();
            if (kept.Count == _peers.Count) return false;
            _peers = kept;
            return true;
        }
    }

    /// <summary>Links and the receiver hold on to the key they started with, and start over when <see cref="Key"/> is
    /// another object; so the same key named again (every reload does) keeps the one they have.</summary>
    public void UseKey(string file, byte[] key)
    {
        lock (_gate)
        {
            KeyFile = file;
            if (_key is null || !key.AsSpan().SequenceEqual(_key)) _key = key;
        }
    }
}
