using System.Net;
using System.Net.Sockets;
using Quill.Core.Control;
using Quill.Core.Selection;
using Quill.Diagnostics;
using Quill.Net.Engine;
using Quill.Net.Interop;
using Quill.Net.Listening;
using Quill.Operations;

namespace Quill.Hosting;

/// <summary>
/// The front door on Linux: clients are accepted on the event loop, and a plain TCP client (no TLS, -H, access log,
/// dump, dummy, transparent or idlers) is relayed there too, at pen's cost per connection. Any other client is
/// handed to <see cref="ClientSession"/> on .NET's sockets. Beyond -x open connections clients wait in the backlog.
/// </summary>
internal sealed class EventLoopIntake : IRelayEngineHost, IClientIntake, IDisposable
{
    private readonly RelayEngine _engine;
    private readonly ListenerSlot _listeners;
    private readonly ClientSession _managed;
    private readonly RuntimeSettings _settings;
    private readonly SessionReporting _reporting;
    private RelaySettings? _relaySettings;
    private CancellationToken _stopping;
    private int _open;
    private int _connectionsMax;

    public EventLoopIntake(
        ListenerSlot listeners, ClientSession managed, ServerSelector selector, ConnectionRegistry connections,
        RuntimeSettings settings, SessionReporting reporting, DebugLog log, TimeProvider time, int connectionsMax, int multiAccept)
    {
        _listeners = listeners;
        _managed = managed;
        _settings = settings;
        _reporting = reporting;
        (Selector, Connections, Log) = (selector, connections, log);
        _connectionsMax = connectionsMax;
        // One loop per core this process may run on (taskset and cgroup limits included), as pen would need one process each.
        _engine = new RelayEngine(this, Environment.ProcessorCount, multiAccept,
            e => log.Write(0, $"connection ended with an error: {e.Message}"), time);
    }

    public ServerSelector Selector { get; }

    public ConnectionRegistry Connections { get; }

    public DebugLog Log { get; }

    public bool CanAccept => Volatile.Read(ref _open) < Volatile.Read(ref _connectionsMax);

    public int OpenConnections => Volatile.Read(ref _open);

    public bool ClientNoDelay => _settings.TcpNoDelay;

    public async Task RunAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        _listeners.Replaced += _engine.Listen;
        _engine.Start();
        _engine.Listen(_listeners.Current ?? throw new InvalidOperationException("accepting before a listener is open"));
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (stopping.UnsafeRegister(static state => ((TaskCompletionSource)state!).TrySetResult(), stopped))
        {
            await stopped.Task.ConfigureAwait(false);
        }
        _listeners.Replaced -= _engine.Listen;
        await _engine.StopAsync().ConfigureAwait(false);
    }

    public void Grow(int connectionsMax)
    {
        int now;
        do
        {
            now = Volatile.Read(ref _connectionsMax);
            if (connectionsMax <= now) return;
        } while (Interlocked.CompareExchange(ref _connectionsMax, connectionsMax, now) != now);
        _engine.ResumeAccepting();
    }

    public void Accepted(int fd, IPAddress? address, int port)
    {
        Interlocked.Increment(ref _open);
        if (!RelaysHere())
        {
            _ = ServeManagedAsync(RelayEngine.Adopt(fd));
            return;
        }
        var session = new RelaySession(this, Selector.Begin(address, port), address, port);
        session.Start(fd, RelaySettings());
    }

    public void AcceptFailed(int errno) => Log.Write(0, $"accept failed: {ErrnoText.Describe(errno)}");

    /// <summary>A relayed connection ended (on its loop thread).</summary>
    public void Ended()
    {
        Interlocked.Decrement(ref _open);
        _engine.ResumeAccepting();
    }

    public void Dispose() => _engine.Dispose();

    /// <summary>What a client needs decides its path; read per client, as every one of these commands can change.</summary>
    private bool RelaysHere() =>
        _managed.Tls is null && !_settings.Dummy && !_settings.HttpHeaders && !_settings.Transparent
        && _settings.IdlersWanted == 0 && !_reporting.WatchesClientStream;

    /// <summary>The connection commands as they stand; the same object while they do not change.</summary>
    private RelaySettings RelaySettings()
    {
        var s = _settings;
        var timeout = TimeSpan.FromSeconds(s.ConnectTimeoutSeconds);
        var idle = TimeSpan.FromSeconds(s.IdleTimeoutSeconds);
        if (_relaySettings is { } r && r.ConnectTimeout == timeout && r.NoDelay == s.TcpNoDelay && r.KeepAlive == s.KeepAlive
            && Equals(r.Source, s.SourceAddress) && r.IdleTimeout == idle && r.FastClose == s.FastClose)
            return r;
        return _relaySettings = new RelaySettings(timeout, s.TcpNoDelay, s.KeepAlive, s.SourceAddress, idle, s.FastClose);
    }

    private async Task ServeManagedAsync(Socket client)
    {
        try
        {
            await _managed.ServeAsync(client, _stopping).ConfigureAwait(false);
        }
        finally
        {
            Ended();
        }
    }
}
