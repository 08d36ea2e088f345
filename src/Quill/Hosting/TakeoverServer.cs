using System.Net.Sockets;
using Quill.Diagnostics;
using Quill.Net.Listening;
using Quill.Net.Takeover;

namespace Quill.Hosting;

/// <summary>
/// Where a new quill started with --takeover finds the running one: a unix socket beside the pid file
/// (<c>PIDFILE.takeover</c>, mode 0600, so only the same user or root can take the process's sockets; the peer's
/// uid is checked too, should the mode have been widened: see <see cref="TakeoverPeer"/>). One takeover
/// at a time; after one succeeds the socket closes (the new process opens its own) and the host drains.
/// </summary>
internal sealed class TakeoverServer : IAsyncDisposable
{
    /// <summary>How long either side waits for the other's next message.</summary>
    public static readonly TimeSpan ChannelTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _listener;
    private readonly string _path;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private bool _takenOver;

    private TakeoverServer(Socket listener, string path, Func<TakeoverChannel, Task<bool>> handover, Action takenOver, DebugLog log)
    {
        (_listener, _path) = (listener, path);
        _loop = AcceptAsync(handover, takenOver, log);
    }

    public static string PathFor(string pidFile) => Path.GetFullPath(pidFile) + ".takeover";

    /// <param name="handover">Runs one takeover on its channel (<see cref="TakeoverHandover{TMoved}.RunAsync"/>): true once it
    /// has succeeded.</param>
    /// <param name="takenOver">Called once a takeover has succeeded.</param>
    /// <exception cref="SocketException">The path cannot be bound.</exception>
    public static TakeoverServer Open(string pidFile, Func<TakeoverChannel, Task<bool>> handover, Action takenOver, DebugLog log)
    {
        var path = PathFor(pidFile);
        var listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            // The mode before listen(), so no one connects through a wider one.
            UnixSocketFile.BindAndListen(listener, path, 1, bound =>
            {
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(bound, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            });
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new TakeoverServer(listener, path, handover, takenOver, log);
    }

    /// <summary>With -p, <see cref="Open"/>; without, or when it cannot be opened (logged), null: no later takeover then.</summary>
    public static TakeoverServer? TryOpen(string? pidFile, Func<TakeoverChannel, Task<bool>> handover, Action takenOver, DebugLog log)
    {
        if (pidFile is null) return null;
        try
        {
            return Open(pidFile, handover, takenOver, log);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            // After -j the pid file's directory is outside the jail; after -u it may not be writable: no takeover then.
            log.Write(0, $"cannot open {PathFor(pidFile)} for a later --takeover: {e.Message}");
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _loop.ConfigureAwait(false);
        // After a takeover the path is the new process's.
        if (!_takenOver) File.Delete(_path);
        _stopping.Dispose();
    }

    private async Task AcceptAsync(Func<TakeoverChannel, Task<bool>> handover, Action takenOver, DebugLog log)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket peer;
            try
            {
                peer = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            if (TakeoverPeer.Refusal(peer) is { } refusal)
            {
                log.Write(0, $"takeover refused: {refusal}");
                peer.Dispose();
                continue;
            }
            log.Notice("takeover requested");
            using var channel = new TakeoverChannel(peer, ChannelTimeout);
            // The channel blocks: off the thread pool's async workers.
            if (!await Task.Factory.StartNew(() => handover(channel), CancellationToken.None,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap().ConfigureAwait(false))
                continue;
            _takenOver = true;
            takenOver();
            return;
        }
    }
}
