using System.Net;
using Quill.Net.Web;
using Quill.WebEndpointBench;

// kestrel-metrics PORT: Kestrel (ASP.NET Core's slim builder, no logging) answering /metrics on 127.0.0.1:PORT until killed.
var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
using var exposition = SampleMetrics.Create();
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
var app = builder.Build();
app.Run(async context =>
{
    if (context.Request.Path != "/metrics")
    {
        context.Response.StatusCode = 404;
        return;
    }
    var body = exposition.Render(openMetrics: false);
    context.Response.ContentType = MetricsExposition.TextContentType;
    context.Response.ContentLength = body.Length;
    await context.Response.Body.WriteAsync(body);
});
await app.RunAsync();
