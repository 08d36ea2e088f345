using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Quill.Net.Connections;
using Quill.Net.Diagnostics;
using Quill.Net.Streams;
using Quill.Net.Upstream;

namespace Quill.Net.Tls;

/// <summary>
/// The TLS transport of one client, its connector and relay: .NET sockets connect to the server, then the handshake
/// (after the server is chosen, as in pen) and the <see cref="StreamCopier"/> both ways through the SslStream until
/// both directions end. A failed handshake closes only this client.
/// </summary>
internal sealed class TlsConnection : IUpstreamConnector, IConnectionRelay
{
    private readonly Socket _client;
    private readonly TlsTermination _tls;
    private readonly ConnectionLifecycle _lifecycle;
    private readonly IDebugLog _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _closing;
    private readonly EndPoint? _clientAddress;
    private ClientSocketStream? _clientStream;
    private SslStream? _ssl;
    private Socket? _server;
    private int _finished;

    /// <param name="stopping">Process shutdown; close N cancels this connection alone.</param>
    public TlsConnection(Socket client, TlsTermination tls, ConnectionLifecycle lifecycle, IDebugLog log, TimeProvider time,
        CancellationToken stopping)
    {
        _client = client;
        _tls = tls;
        _lifecycle = lifecycle;
        _log = log;
        _time = time;
        _closing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _clientAddress = client.RemoteEndPoint;
    }

    public void Connect(in ConnectRequest request) => _ = ConnectAsync(request);

    public void Start(RelayPlan plan) => _ = RelayAsync(plan);

    public void Refuse() => Finish();

    public void Abort()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Over already.
        }
    }

    private async Task ConnectAsync(ConnectRequest request)
    {
        ConnectResult result;
        try
        {
            var settings = _lifecycle.Settings;
            result = request.Idler is { } idle
                ? new ConnectResult(idle.Socket, SocketError.Success)
                : await UpstreamConnector.ConnectAsync(request.Target, settings.ConnectTimeout, _closing.Token, settings.NoDelay,
                    settings.KeepAlive, settings.Source, request.TransparentFrom).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            Finish();
            return;
        }
        if (result.Socket is not { } server)
        {
            _lifecycle.ConnectFailed(ConnectFailure.Of(result.Error));
            return;
        }
        _server = server;
        _lifecycle.Connected((long)server.SafeHandle.DangerousGetHandle());
    }

    private async Task RelayAsync(RelayPlan plan)
    {
        using var registration = _closing.Token.UnsafeRegister(static state => ((TlsConnection)state!).CloseSockets(), this);
        var ssl = _ssl = new SslStream(_clientStream = new ClientSocketStream(_client), leaveInnerStreamOpen: false);
        if (await HandshakeAsync(ssl).ConfigureAwait(false))
        {
            _ = OpenSslIdleBuffers.Release(ssl);
            using var idle = IdleWatch.Start(plan.IdleTimeout, _time, CloseSockets);
            var server = new NetworkStream(_server!, ownsSocket: true);
            if (plan.Proxy is { } proxy && !await SendProxyHeaderAsync(server, proxy.Encode(ProxyTls.Details(ssl))).ConfigureAwait(false))
            {
                Finish();
                return;
            }
            var toServer = StreamCopier.CopyAsync(ssl, server, EndServer, plan.Filter, null, plan.Traffic.ToServer, idle, CloseSockets,
                plan.FastClose.HasFlag(Core.Configuration.FastClose.Down));
            var toClient = StreamCopier.CopyAsync(server, ssl, EndClientAsync, null, plan.Responses, plan.Traffic.ToClient, idle, CloseSockets,
                plan.FastClose.HasFlag(Core.Configuration.FastClose.Up));
            await toServer.ConfigureAwait(false);
            await toClient.ConfigureAwait(false);
        }
        Finish();
    }

    private async Task<bool> HandshakeAsync(SslStream ssl)
    {
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
            handshake.CancelAfter(TlsTermination.HandshakeTimeout);
            await ssl.AuthenticateAsServerAsync(
                static (_, hello, state, _) => ValueTask.FromResult(((TlsTermination)state!).ServerOptions(hello.ServerName)),
                _tls, handshake.Token).ConfigureAwait(false);
            if (!_tls.Offers(ssl.NegotiatedCipherSuite))
                throw new AuthenticationException($"the client got {ssl.NegotiatedCipherSuite}, which quill does not offer");
            _lifecycle.TlsHandshakeEnded(null, ProxyTls.VersionName(ssl), ProxyTls.ServerName(ssl));
            return true;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException
                                      or SocketException or ObjectDisposedException)
        {
            _lifecycle.TlsHandshakeEnded(e switch
            {
                OperationCanceledException when !_closing.IsCancellationRequested => "timeout",
                OperationCanceledException or ObjectDisposedException => "closed",
                AuthenticationException => "protocol",
                _ => "io",
            });
            if (_log.IsEnabled(1) && !_closing.IsCancellationRequested)
            {
                var why = e is OperationCanceledException ? "no handshake within the time limit" : e.GetBaseException().Message.ReplaceLineEndings(" ");
                _log.Write(1, $"TLS handshake with client {ClientText} failed: {why}");
            }
            return false;
        }
    }

    /// <summary>The client's address for the debug log, made into text only when a line is written.</summary>
    private string ClientText => _clientAddress?.ToString() ?? "unix";

    /// <summary>The PROXY header, before any client byte; false when the server is gone already.</summary>
    private async Task<bool> SendProxyHeaderAsync(NetworkStream server, byte[] header)
    {
        try
        {
            await server.WriteAsync(header, _closing.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            if (_log.IsEnabled(1) && !_closing.IsCancellationRequested)
                _log.Write(1, $"sending the PROXY header for client {ClientText} failed: {e.GetBaseException().Message.ReplaceLineEndings(" ")}");
            return false;
        }
    }

    /// <summary>The client's EOF passed on as a half-close; a reset ends the whole connection, as a failed read did.</summary>
    private ValueTask EndServer()
    {
        if (_clientStream!.WasReset) CloseSockets();
        else _server!.Shutdown(SocketShutdown.Send);
        return ValueTask.CompletedTask;
    }

    /// <summary>close_notify, then a TCP half-close: the client still may send until it closes its side.</summary>
    private async ValueTask EndClientAsync()
    {
        await TlsCloseNotify.SendAsync(_ssl!).ConfigureAwait(false);
        _client.Shutdown(SocketShutdown.Send);
    }

    private void CloseSockets()
    {
        if (_ssl is { } ssl) ssl.Dispose();
        else _client.Dispose();
        _server?.Dispose();
    }

    private void Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0) return;
        CloseSockets();
        _closing.Dispose();
        _lifecycle.Ended();
    }
}
