using System.Net.Sockets;
using Quill.Diagnostics;
using Quill.Net.Takeover;

namespace Quill.Hosting;

/// <summary>
/// The new quill's side of a takeover (--takeover): connects to the running quill beside the pid file, receives its
/// listeners and runtime configuration, and once ready for clients, its live connections, counters and client table.
/// </summary>
internal sealed class TakeoverClient : IDisposable
{
    /// <summary>
    /// Said in Hello; the running quill refuses another. 2: relays carry their watchers' states; 3: UDP sessions move
    /// too, and a connection's watchers travel with its lifecycle's record.
    /// </summary>
    internal const int ProtocolVersion = 3;

    private readonly TakeoverChannel _channel;

    private TakeoverClient(TakeoverChannel channel, int listenerFd, string listenText, int? controlFd, string configuration)
    {
        (_channel, ListenerDescriptor, ListenText, ControlFd, Configuration) = (channel, listenerFd, listenText, controlFd, configuration);
    }

    /// <summary>The running quill's client listener (TCP) or listen socket (UDP): the same socket, with its queue.</summary>
    public int ListenerDescriptor { get; }

    public string ListenText { get; }

    /// <summary>Its control port's listener, when it had one.</summary>
    public int? ControlFd { get; }

    /// <summary>What <c>write</c> would have written there: applied after -o and -F.</summary>
    public string Configuration { get; }

    /// <summary>Asks the quill whose pid file is <paramref name="pidFile"/> to hand over.</summary>
    /// <param name="udp">This process runs with -U: the running one must too.</param>
    /// <exception cref="IOException">No quill to take over from, it did not answer as one, or it balances the other transport.</exception>
    public static TakeoverClient Connect(string pidFile, bool udp)
    {
        var path = TakeoverServer.PathFor(pidFile);
        TakeoverChannel channel;
        try
        {
            channel = TakeoverChannel.Connect(path, TakeoverServer.ChannelTimeout);
        }
        catch (SocketException e)
        {
            throw new IOException($"no running quill to take over from at {path}: {e.Message}", e);
        }
        try
        {
            channel.Send(TakeoverMessages.Of(TakeoverMessage.Hello, writer => writer.Write(ProtocolVersion)), []);
            TakeoverFailpoint.At("hello");
            var (message, fds) = channel.Receive();
            TakeoverFailpoint.At("listeners");
            try
            {
                var reader = TakeoverMessages.Expect(message, TakeoverMessage.Listeners);
                var listenText = reader.ReadString();
                var hasControl = reader.ReadBoolean();
                if (fds.Length != (hasControl ? 2 : 1)) throw new IOException($"takeover: {fds.Length} listeners came, not {(hasControl ? 2 : 1)}");
                if (HandedSocket.IsDatagram(fds[0]) != udp)
                    throw new IOException($"takeover: the running quill balances {(udp ? "TCP" : "UDP (-U)")}; start this one with its arguments");
                return new TakeoverClient(channel, fds[0], listenText, hasControl ? fds[1] : null, reader.ReadString());
            }
            catch
            {
                foreach (var fd in fds) HandedSocket.Close(fd);
                throw;
            }
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Tells the running quill this one is ready for clients (TCP: accepts; UDP: will read once it holds every
    /// session), then takes its connections, counters and client table, and carries the connections on here.
    /// </summary>
    /// <returns>How many connections moved; the servers the running quill's reload had removed.</returns>
    public (int Moved, int[] Removed) TakeConnections<TMoved>(ITakeoverTransport<TMoved> transport, BalancerState state)
        where TMoved : IMovedConnection
    {
        _channel.Send(TakeoverMessages.Of(TakeoverMessage.Accepting, _ => { }), []);
        TakeoverFailpoint.At("accepting");
        var moved = new List<TMoved>();
        var step = transport.MovedKind.ToString().ToLowerInvariant();
        int[] removed;
        try
        {
            while (true)
            {
                var (message, fds) = _channel.Receive();
                if (message.Length > 0 && message[0] == (byte)TakeoverMessage.State)
                {
                    // The client table first, so that each moved connection counts to its client's entry.
                    removed = TakeoverState.Apply(TakeoverMessages.Expect(message, TakeoverMessage.State), state.Selector,
                        server => moved.Exists(connection => connection.Server == server));
                    break;
                }
                try
                {
                    moved.Add(transport.Read(TakeoverMessages.Expect(message, transport.MovedKind), fds));
                }
                catch
                {
                    foreach (var fd in fds) HandedSocket.Close(fd);
                    throw;
                }
                TakeoverFailpoint.At(step);
            }
            TakeoverFailpoint.At("state");
            // Done before relaying a byte: until the old process has it, it may take every connection back and carry on.
            _channel.Send(TakeoverMessages.Of(TakeoverMessage.Done, _ => { }), []);
        }
        catch
        {
            foreach (var connection in moved) connection.CloseDescriptors();
            throw;
        }
        foreach (var connection in moved) transport.Adopt(connection);
        return (moved.Count, removed);
    }

    /// <summary>
    /// <see cref="TakeConnections"/> on a thread of its own (the channel blocks), logged; a takeover that breaks off
    /// now leaves this process serving what it has. The channel closes then: it has no further use.
    /// </summary>
    public async Task TakeConnectionsAsync<TMoved>(ITakeoverTransport<TMoved> transport, BalancerState state, DebugLog log)
        where TMoved : IMovedConnection
    {
        try
        {
            var (moved, removed) = await Task.Factory.StartNew(() => TakeConnections(transport, state), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            log.Notice($"took over: {moved} {transport.MovedNoun} moved here{(removed.Length > 0 ? $"; servers removed by a reload stay removed: {string.Join(' ', removed)}" : "")}");
        }
        catch (IOException e)
        {
            log.Write(0, $"takeover incomplete, accepting anyway: {e.Message}");
        }
        finally
        {
            _channel.Dispose();
        }
    }

    public void Dispose() => _channel.Dispose();
}
