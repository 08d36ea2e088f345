using System.Net.Sockets;
using Quill.Diagnostics;
using Quill.Net.Listening;

namespace Quill.Hosting;

/// <summary>
/// Accepts clients while fewer than -x connections are open; beyond that clients wait in the kernel's
/// listen backlog and are accepted when a connection ends, as in pen.
/// </summary>
internal sealed class AcceptLoop(ListenerSlot listeners, ClientSession session, int connectionsMax, int multiAccept, DebugLog log) : IClientIntake
{
    private readonly SemaphoreSlim _slots = new(connectionsMax, int.MaxValue);
    private readonly Lock _growing = new();
    private int _connectionsMax = connectionsMax;
    private static readonly TimeSpan AcceptErrorBackoff = TimeSpan.FromMilliseconds(10);
    private int _open;

    /// <summary>Connections currently open.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    public async Task RunAsync(CancellationToken stopping)
    {
        var acceptedInARow = 0;
        while (!stopping.IsCancellationRequested)
        {
            await _slots.WaitAsync(stopping).ConfigureAwait(false);
            Socket client;
            var listener = listeners.Current ?? throw new InvalidOperationException("accepting before a listener is open");
            try
            {
                var accepting = listener.AcceptAsync(stopping);
                if (accepting.IsCompleted && ++acceptedInARow >= multiAccept)
                {
                    // -m: after that many accepts without waiting, let the sessions we started run.
                    acceptedInARow = 0;
                    await Task.Yield();
                }
                else if (!accepting.IsCompleted)
                {
                    acceptedInARow = 0;
                }
                client = await accepting.ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException && listeners.Current != listener)
            {
                // listen ADDR closed the old listener under the accept: carry on with the new one.
                _slots.Release();
                continue;
            }
            catch (SocketException e)
            {
                _slots.Release();
                log.Write(0, $"accept failed: {e.SocketErrorCode}");
                // Errors such as EMFILE persist for a while: back off instead of spinning.
                await Task.Delay(AcceptErrorBackoff, stopping).ConfigureAwait(false);
                continue;
            }
            catch
            {
                _slots.Release();
                throw;
            }
            Interlocked.Increment(ref _open);
            _ = ServeAsync(client, stopping);
        }
    }

    /// <summary>conn_max: more clients may be open at once from now on; the limit never shrinks.</summary>
    public void Grow(int connectionsMax)
    {
        lock (_growing)
        {
            if (connectionsMax <= _connectionsMax) return;
            _slots.Release(connectionsMax - _connectionsMax);
            _connectionsMax = connectionsMax;
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        try
        {
            await session.ServeAsync(client, stopping).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            _slots.Release();
        }
    }
}
