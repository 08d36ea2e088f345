using System.Net.Sockets;
using Quill.Net.Connections;
using Quill.Net.Listening;
using Quill.Net.Takeover;

namespace Quill.Hosting;

/// <summary>
/// The new quill's side of a takeover (--takeover): connects to the running quill beside the pid file, receives its
/// listeners and runtime configuration, and once accepting from them, its live relays, counters and client table.
/// </summary>
internal sealed class TakeoverClient : IDisposable
{
    /// <summary>Said in Hello; the running quill refuses another. 2: relays carry their watchers' states.</summary>
    internal const int ProtocolVersion = 2;

    private readonly TakeoverChannel _channel;

    private TakeoverClient(TakeoverChannel channel, ConnectionListener listener, string listenText, int? controlFd, string configuration)
    {
        (_channel, Listener, ListenText, ControlFd, Configuration) = (channel, listener, listenText, controlFd, configuration);
    }

    /// <summary>The running quill's client listener: the same socket, with its accept queue.</summary>
    public ConnectionListener Listener { get; }

    public string ListenText { get; }

    /// <summary>Its control port's listener, when it had one.</summary>
    public int? ControlFd { get; }

    /// <summary>What <c>write</c> would have written there: applied after -o and -F.</summary>
    public string Configuration { get; }

    /// <summary>Asks the quill whose pid file is <paramref name="pidFile"/> to hand over.</summary>
    /// <exception cref="IOException">No quill to take over from, or it did not answer as one.</exception>
    public static TakeoverClient Connect(string pidFile)
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
            channel.Send(TakeoverHandover.Message(TakeoverMessage.Hello, writer => writer.Write(ProtocolVersion)), []);
            TakeoverFailpoint.At("hello");
            var (message, fds) = channel.Receive();
            TakeoverFailpoint.At("listeners");
            var reader = TakeoverHandover.Expect(message, TakeoverMessage.Listeners);
            var listenText = reader.ReadString();
            var hasControl = reader.ReadBoolean();
            if (fds.Length != (hasControl ? 2 : 1)) throw new IOException($"takeover: {fds.Length} listeners came, not {(hasControl ? 2 : 1)}");
            return new TakeoverClient(channel, ConnectionListener.FromDescriptor(fds[0]), listenText, hasControl ? fds[1] : null, reader.ReadString());
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Tells the running quill this one accepts now, then takes its relays, counters and client table.
    /// </summary>
    /// <returns>How many connections moved; the servers the running quill's reload had removed.</returns>
    public (int Moved, int[] Removed) TakeConnections(TcpIntake intake, BalancerState state)
    {
        _channel.Send(TakeoverHandover.Message(TakeoverMessage.Accepting, _ => { }), []);
        TakeoverFailpoint.At("accepting");
        var relays = new List<MovedRelay>();
        int[] removed;
        try
        {
            while (true)
            {
                var (message, fds) = _channel.Receive();
                if (message.Length > 0 && message[0] == (byte)TakeoverMessage.State)
                {
                    // The client table first, so that each moved connection counts to its client's entry.
                    removed = TakeoverState.Apply(TakeoverHandover.Expect(message, TakeoverMessage.State), state.Selector,
                        server => relays.Exists(relay => relay.Server == server));
                    break;
                }
                var reader = TakeoverHandover.Expect(message, TakeoverMessage.Relay);
                if (fds.Length != 2) throw new IOException($"takeover: a relay came with {fds.Length} descriptors");
                relays.Add(MovedRelay.Read(reader, fds[0], fds[1]));
                TakeoverFailpoint.At("relay");
            }
        }
        catch
        {
            foreach (var relay in relays) relay.CloseDescriptors();
            throw;
        }
        try
        {
            TakeoverFailpoint.At("state");
            // Done before relaying a byte: until the old process has it, it may take every relay back and carry on.
            _channel.Send(TakeoverHandover.Message(TakeoverMessage.Done, _ => { }), []);
        }
        catch
        {
            foreach (var relay in relays) relay.CloseDescriptors();
            throw;
        }
        foreach (var relay in relays) intake.Adopt(relay);
        return (relays.Count, removed);
    }

    public void Dispose() => _channel.Dispose();
}
