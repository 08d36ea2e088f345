using System.Net;
using Quill.Core.Selection;
using Quill.Net.Engine;
using Quill.Net.Interop;

namespace Quill.Hosting;

/// <summary>
/// One client relayed on the event loop, seen from the balancer: its selection attempt, failover, its line in the
/// connection registry, and the debug messages <see cref="ClientSession"/> writes for the same events.
/// </summary>
internal sealed class RelaySession(EventLoopIntake intake, ConnectionAttempt attempt, IPAddress? address, int port) : IRelayOwner
{
    private ConnectionAttempt _attempt = attempt;
    private OpenConnection? _connection;
    private Relay? _relay;

    /// <summary>Lists the connection and connects to the first server (loop thread).</summary>
    public void Start(int fd, RelaySettings settings)
    {
        _connection = intake.Connections.Add(new OpenConnection(fd, _attempt.ClientSlot, Close));
        var log = intake.Log;
        if (log.IsEnabled(2)) log.Write(2, $"accepted client {Client}, initial server {_attempt.Server}");
        if (_attempt.ServerEndPoint is not { } server)
        {
            NoServer();
            RelayEngine.CloseDescriptor(fd);
            Closed(null, 0, 0);
            return;
        }
        _connection.ConnectingTo(_attempt.Server);
        _relay = RelayEngine.Relay(fd, server, settings, this);
    }

    public void Connected(Relay relay)
    {
        intake.Selector.Connected(_attempt);
        _connection!.Connected(relay.ServerFd);
        if (intake.Log.IsEnabled(1)) intake.Log.Write(1, $"client {Client} connected to server {_attempt.Server}");
    }

    public EndPoint? ConnectFailed(Relay relay, int errno)
    {
        intake.Log.Write(0, $"blacklisting server {_attempt.Server} because connect to {_attempt.ServerEndPoint} failed: {ErrnoText.Describe(errno)}");
        if (!intake.Selector.FailOver(ref _attempt))
        {
            NoServer();
            return null;
        }
        _connection!.ConnectingTo(_attempt.Server);
        return _attempt.ServerEndPoint;
    }

    public void Closed(Relay? relay, long bytesToServer, long bytesToClient)
    {
        if (relay is not null && intake.Log.IsEnabled(2))
            intake.Log.Write(2, $"client {Client} closed: {bytesToServer} bytes to server {_attempt.Server}, {bytesToClient} bytes back");
        intake.Selector.Finished(_attempt, bytesToServer, bytesToClient);
        intake.Connections.Release(_connection!);
        intake.Ended();
    }

    /// <summary>close N, from the control thread.</summary>
    private void Close() => _relay?.RequestAbort();

    private void NoServer()
    {
        if (intake.Log.IsEnabled(1)) intake.Log.Write(1, $"no server accepts client {Client}; closing it");
    }

    private string Client => address is null ? "unix" : new IPEndPoint(address, port).ToString();
}
