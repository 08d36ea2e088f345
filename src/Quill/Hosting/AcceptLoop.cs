using System.Net.Sockets;
using Quill.Diagnostics;
using Quill.Net.Listening;

namespace Quill.Hosting;

/// <summary>
/// Accepts clients while fewer than -x connections are open; beyond that clients wait in the kernel's
/// listen backlog and are accepted when a connection ends, as in pen.
/// </summary>
internal sealed class AcceptLoop(ConnectionListener listener, ClientSession session, int connectionsMax, int multiAccept, DebugLog log)
{
    private readonly SemaphoreSlim _slots = new(connectionsMax, connectionsMax);
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

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        try
        {
            await session.RunAsync(client, stopping).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A session must never take the balancer down; report and drop only this client.
            log.Write(0, $"connection ended with an error: {e.Message}");
            client.Dispose();
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            _slots.Release();
        }
    }
}
