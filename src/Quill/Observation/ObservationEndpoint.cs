using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.Core.Acl;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Status;
using Quill.Diagnostics;
using Quill.Net;
using Quill.Net.Web;

namespace Quill.Observation;

/// <summary>
/// web_listen: the read-only HTTP endpoint and its pages: / (the live status page), /api/status (its JSON) and
/// /metrics (Prometheus text, or OpenMetrics when Accept asks). web_acl says who may read it.
/// </summary>
internal sealed class ObservationEndpoint(
    LiveStatusSource live, MetricsExposition metrics, AccessLists acls, RuntimeSettings settings, DebugLog log, TimeProvider time)
    : IDisposable
{
    private static readonly byte[] Page = Encoding.UTF8.GetBytes(LivePage.Html);

    private readonly Lock _gate = new();
    private WebServer? _server;
    private ListenSpec? _spec;

    /// <summary>The address as given, while open.</summary>
    public string? Text { get; private set; }

    /// <summary>Where it listens (the port actually bound for port 0); null while closed.</summary>
    public EndPoint? LocalEndPoint => _server?.LocalEndPoint;

    /// <returns>Null when listening at <paramref name="spec"/> (the old endpoint, if any, closed); else why not.</returns>
    public string? TryListen(ListenSpec spec)
    {
        // The address already open (a reload, or a takeover's handed configuration, naming it again) keeps its socket.
        lock (_gate)
        {
            if (_server is not null && _spec?.Text == spec.Text) return null;
        }
        WebServer server;
        try
        {
            server = WebServer.Start(EndPointResolver.ResolveListen(spec), IsPermitted, Handle, new WebServerOptions
            {
                TimeProvider = time,
                OnCallbackError = e => log.Write(0, $"web_listen: answering failed: {e.Message}"),
            });
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
        catch (SocketException e)
        {
            return $"cannot listen on {spec.Text}: {SocketErrorText.Describe(e.SocketErrorCode)}";
        }
        lock (_gate)
        {
            _server?.Dispose();
            (_server, Text, _spec) = (server, spec.Text, spec);
        }
        log.Write(1, $"web endpoint on {spec.Text}");
        return null;
    }

    public void Close()
    {
        lock (_gate)
        {
            _server?.Dispose();
            (_server, Text, _spec) = (null, null, null);
        }
    }

    /// <summary>
    /// Takeover, old side: closes the endpoint so the next process, which opens it from its own -F or the handed
    /// configuration, finds the address free. Returns how to open it again should the takeover fail; null when closed.
    /// </summary>
    public Func<string?>? Release()
    {
        ListenSpec? spec;
        lock (_gate) spec = _spec;
        if (spec is null) return null;
        Close();
        return () => TryListen(spec);
    }

    public void Dispose() => Close();

    private bool IsPermitted(IPAddress? peer) => acls.Permits(settings.WebAcl, peer);

    private PageResponse Handle(PageRequest request) => request.Path switch
    {
        "/" or "/index.html" => new PageResponse(200, "text/html; charset=utf-8", Page),
        "/metrics" when MetricsExposition.WantsOpenMetrics(request.Accept) =>
            new PageResponse(200, MetricsExposition.OpenMetricsContentType, metrics.Render(openMetrics: true)),
        "/metrics" => new PageResponse(200, MetricsExposition.TextContentType, metrics.Render(openMetrics: false)),
        "/api/status" => new PageResponse(200, "application/json", StatusJson.Write(json => StatusJson.Live(json, live.Read()))),
        _ => PageResponse.Text(404, "not found: try /, /metrics or /api/status"),
    };
}
