using Quill.Core.Configuration;
using Quill.Hosting;

namespace Quill.Demo;

/// <summary>`quill --demo`: the balancer in front of two embedded demo backends, for a first try on a fresh clone.</summary>
internal static class DemoRunner
{
    public static async Task<int> RunAsync(QuillOptions options, TimeProvider time, CancellationToken stopping)
    {
        using var first = new DemoBackend("demo backend 1");
        using var second = new DemoBackend("demo backend 2");
        var listen = options.Listen ?? new ListenSpec("8080", "0.0.0.0", 8080, null);
        var servers = new[] { first, second }
            .Select(backend => new ServerSpec($"127.0.0.1:{backend.Port}", "127.0.0.1", backend.Port, null))
            .ToList();
        var running = new[] { first.RunAsync(stopping), second.RunAsync(stopping) };

        var mode = options.Selection.HasFlag(SelectionFlags.RoundRobin) ? "alternating (-r)" : "sticky per client address (add -r to alternate)";
        Console.Error.WriteLine($"quill demo: listening on {listen.Text} in front of 127.0.0.1:{first.Port} and 127.0.0.1:{second.Port}, {mode}");
        Console.Error.WriteLine($"quill demo: try  curl http://127.0.0.1:{listen.Port}/   (Ctrl-C stops)");

        var exit = await BalancerHost.RunAsync(options with { Listen = listen, Servers = servers, Foreground = true }, time, stopping)
            .ConfigureAwait(false);
        first.Dispose();
        second.Dispose();
        await Task.WhenAll(running).ConfigureAwait(false);
        return exit;
    }
}
