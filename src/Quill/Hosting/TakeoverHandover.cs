using System.Diagnostics;
using Quill.Diagnostics;
using Quill.Net.Connections;
using Quill.Net.Takeover;
using Quill.Observation;

namespace Quill.Hosting;

/// <summary>
/// The running quill's side of a takeover, in order: the listeners and the runtime configuration go to the new
/// process; once it accepts, this one stops calling accept (the queue is the same kernel object, so whatever waits
/// there is the new one's); then every plain relay moves, sockets and unsent bytes, and last the counters and the
/// client table. Until the new process says it has everything, this one keeps its listeners and its own descriptors of
/// every relay it sent: should the new process fail at any step (exit, SIGKILL, silence past the timeout), this one
/// accepts again and carries on those relays itself, from exactly where it stopped (the new one relays nothing before
/// it has said Done).
/// </summary>
internal sealed class TakeoverHandover(ListenerSlot listeners, ControlPlane control, ObservationEndpoint web, Peers.PeerSync peers,
    TcpIntake intake, BalancerState state, PidFile? pidFile, DebugLog log)
{
    /// <summary>Connections accepted just before accepting stopped may still be connecting to their server: they
    /// move once connected, looked at this often, this many times; any left then drain here.</summary>
    private static readonly TimeSpan PassInterval = TimeSpan.FromMilliseconds(20);
    private const int MaxPasses = 100;

    /// <returns>True when the new process has taken over; false when this one goes on as before.</returns>
    public async Task<bool> RunAsync(TakeoverChannel channel)
    {
        var stopped = false;
        Func<string?>? reopenWeb = null;
        Func<string?>? reopenPeers = null;
        var handed = new List<MovedRelay>();
        try
        {
            var (hello, _) = channel.Receive();
            var version = Expect(hello, TakeoverMessage.Hello).ReadInt32();
            if (version != TakeoverClient.ProtocolVersion)
                throw new IOException($"takeover: the new quill speaks takeover protocol {version}, this one {TakeoverClient.ProtocolVersion}");
            // The web endpoint is not handed over: the new process opens it itself, before it asks for connections.
            reopenWeb = web.Release();
            reopenPeers = peers.Release();
            var listener = listeners.Current ?? throw new IOException("takeover: no listener to hand over");
            var started = Stopwatch.GetTimestamp();
            int[] fds = control.ControlDescriptor is { } controlFd ? [listener.Descriptor, controlFd] : [listener.Descriptor];
            var removed = TakeoverState.Removed(state.Selector);
            channel.Send(Message(TakeoverMessage.Listeners, writer =>
            {
                writer.Write(listeners.Text ?? "");
                writer.Write(fds.Length > 1);
                writer.Write(control.RunningConfiguration());
            }), fds);
            var (accepting, _) = channel.Receive();
            Expect(accepting, TakeoverMessage.Accepting);

            var accepted = Stopwatch.GetElapsedTime(started);
            stopped = true;
            await intake.StopAccepting().ConfigureAwait(false);
            var moving = Stopwatch.GetTimestamp();
            var moved = 0;
            for (var pass = 0; pass < MaxPasses; pass++)
            {
                var (batch, connecting) = await intake.HandOver().ConfigureAwait(false);
                handed.AddRange(batch);
                foreach (var relay in batch)
                    channel.Send(Message(TakeoverMessage.Relay, relay.Write), [relay.ClientFd, relay.ServerFd]);
                moved += batch.Count;
                if (connecting == 0) break;
                await Task.Delay(PassInterval).ConfigureAwait(false);
            }
            channel.Send(Message(TakeoverMessage.State, writer => TakeoverState.Write(writer, state.Selector, removed)), []);
            var (done, _) = channel.Receive();
            Expect(done, TakeoverMessage.Done);
            // The new process relays them now, with descriptors of its own.
            foreach (var relay in handed) relay.CloseDescriptors();
            await control.AbandonControlPortAsync().ConfigureAwait(false);
            listener.Abandon();
            log.Notice($"taken over: {moved} connections moved in {Stopwatch.GetElapsedTime(moving).TotalMilliseconds:F0} ms (the new process accepted {accepted.TotalMilliseconds:F0} ms after it got the listeners); {intake.OpenConnections} stay here until they end (--grace)");
            return true;
        }
        catch (IOException e)
        {
            if (stopped && listeners.Current is { } listener) intake.Listen(listener);
            foreach (var relay in handed) intake.Adopt(relay);
            var pidWritten = pidFile?.Reclaim() != false;
            log.Write(0, $"takeover failed, serving on{(handed.Count > 0 ? $" with the {handed.Count} connections it was handing over" : "")}: {e.Message}");
            if (!pidWritten) log.Write(0, "takeover failed: cannot write this process's pid into the pid file again");
            if (reopenWeb?.Invoke() is { } webError) log.Write(0, $"web_listen: {webError}");
            if (reopenPeers?.Invoke() is { } peerError) log.Write(0, $"peer_listen: {peerError}");
            return false;
        }
    }

    public static byte[] Message(TakeoverMessage kind, Action<BinaryWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write((byte)kind);
            body(writer);
        }
        return buffer.ToArray();
    }

    public static BinaryReader Expect(byte[] message, TakeoverMessage kind)
    {
        if (message.Length == 0 || message[0] != (byte)kind)
            throw new IOException($"takeover: expected {kind}, got message {(message.Length == 0 ? "(empty)" : message[0].ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        var reader = new BinaryReader(new MemoryStream(message, 1, message.Length - 1));
        return reader;
    }
}
