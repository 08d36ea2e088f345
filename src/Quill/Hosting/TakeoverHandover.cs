using System.Diagnostics;
using Quill.Diagnostics;
using Quill.Net.Takeover;
using Quill.Observation;

namespace Quill.Hosting;

/// <summary>
/// The running quill's side of a takeover, in order: the listeners and the runtime configuration go to the new
/// process; once it accepts, this one stops calling accept (the queue is the same kernel object, so whatever waits
/// there is the new one's); then every connection that can move does (plain relays, sockets and unsent bytes; or UDP
/// sessions with their upstream sockets: see the transport), and last the counters and the client table. Until the
/// new process says it has everything, this one keeps its listeners and its own descriptors of every connection it
/// sent: should the new process fail at any step (exit, SIGKILL, silence past the timeout), this one accepts again and
/// carries on those connections itself, from exactly where it stopped (the new one relays nothing before it has said
/// Done).
/// </summary>
internal sealed class TakeoverHandover<TMoved>(ITakeoverTransport<TMoved> transport, ControlPlane control, ObservationEndpoint web,
    Peers.PeerSync peers, BalancerState state, PidFile? pidFile, DebugLog log) where TMoved : IMovedConnection
{
    /// <summary>Connections accepted just before accepting stopped may still be connecting to their server, and
    /// kernel-relayed ones wait for the kernel to send what it took: they move once connected or drained, looked at
    /// this often, this many times; any left then drain here.</summary>
    private static readonly TimeSpan PassInterval = TimeSpan.FromMilliseconds(20);
    private const int MaxPasses = 100;

    /// <returns>True when the new process has taken over; false when this one goes on as before.</returns>
    public async Task<bool> RunAsync(TakeoverChannel channel)
    {
        var stopped = false;
        Func<string?>? reopenWeb = null;
        Func<string?>? reopenPeers = null;
        var handed = new List<TMoved>();
        try
        {
            var (hello, _) = channel.Receive();
            var version = TakeoverMessages.Expect(hello, TakeoverMessage.Hello).ReadInt32();
            if (version != TakeoverClient.ProtocolVersion)
                throw new IOException($"takeover: the new quill speaks takeover protocol {version}, this one {TakeoverClient.ProtocolVersion}");
            // The web endpoint is not handed over: the new process opens it itself, before it asks for connections.
            reopenWeb = web.Release();
            reopenPeers = peers.Release();
            var listener = transport.Listener;
            var started = Stopwatch.GetTimestamp();
            int[] fds = control.ControlDescriptor is { } controlFd ? [listener.Descriptor, controlFd] : [listener.Descriptor];
            var removed = TakeoverState.Removed(state.Selector);
            channel.Send(TakeoverMessages.Of(TakeoverMessage.Listeners, writer =>
            {
                writer.Write(listener.Text);
                writer.Write(fds.Length > 1);
                writer.Write(control.RunningConfiguration());
            }), fds);
            var (accepting, _) = channel.Receive();
            TakeoverMessages.Expect(accepting, TakeoverMessage.Accepting);

            var accepted = Stopwatch.GetElapsedTime(started);
            stopped = true;
            await transport.StopAccepting().ConfigureAwait(false);
            var moving = Stopwatch.GetTimestamp();
            for (var pass = 0; pass < MaxPasses; pass++)
            {
                var (batch, pending) = await transport.HandOver().ConfigureAwait(false);
                handed.AddRange(batch);
                foreach (var connection in batch)
                    channel.Send(TakeoverMessages.Of(transport.MovedKind, connection.Write), connection.Descriptors);
                if (pending == 0) break;
                await Task.Delay(PassInterval).ConfigureAwait(false);
            }
            channel.Send(TakeoverMessages.Of(TakeoverMessage.State, writer => TakeoverState.Write(writer, state.Selector, removed)), []);
            var (done, _) = channel.Receive();
            TakeoverMessages.Expect(done, TakeoverMessage.Done);
            // The new process relays them now, with descriptors of its own.
            foreach (var connection in handed) connection.CloseDescriptors();
            await control.AbandonControlPortAsync().ConfigureAwait(false);
            transport.LetGo();
            log.Notice($"taken over: {handed.Count} {transport.MovedNoun} moved in {Stopwatch.GetElapsedTime(moving).TotalMilliseconds:F0} ms (the new process accepted {accepted.TotalMilliseconds:F0} ms after it got the listeners); {transport.Staying}");
            return true;
        }
        catch (IOException e)
        {
            transport.TakeBack(stopped, handed);
            var pidWritten = pidFile?.Reclaim() != false;
            log.Write(0, $"takeover failed, serving on{(handed.Count > 0 ? $" with the {handed.Count} {transport.MovedNoun} it was handing over" : "")}: {e.Message}");
            if (!pidWritten) log.Write(0, "takeover failed: cannot write this process's pid into the pid file again");
            if (reopenWeb?.Invoke() is { } webError) log.Write(0, $"web_listen: {webError}");
            if (reopenPeers?.Invoke() is { } peerError) log.Write(0, $"peer_listen: {peerError}");
            return false;
        }
    }
}
