using System.Net;
using Quill.Net.Web;
using Quill.WebEndpointBench;

// handwritten-metrics PORT: quill's web server answering /metrics on 127.0.0.1:PORT until killed.
using var exposition = SampleMetrics.Create();
using var server = WebServer.Start(new IPEndPoint(IPAddress.Loopback, int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture)),
    _ => true,
    request => request.Path == "/metrics"
        ? new PageResponse(200, MetricsExposition.TextContentType, exposition.Render(openMetrics: false))
        : PageResponse.Text(404, "not found"));
await Task.Delay(Timeout.Infinite);
