using System.Diagnostics;
using System.Net;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Observation;

/// <summary>quill with a control port and the web endpoint (--web-listen) on loopback, and the tools that read it.</summary>
internal sealed class ObservedBalancer : IDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    private ObservedBalancer(ControlledBalancer balancer, int webPort) => (Balancer, WebPort) = (balancer, webPort);

    public ControlledBalancer Balancer { get; }
    public int WebPort { get; }
    public string WebUrl => $"http://127.0.0.1:{WebPort}";
    public IPEndPoint Listen => (IPEndPoint)Balancer.Listen.Endpoint;

    public static async Task<ObservedBalancer> StartAsync(IEnumerable<string> options, params string[] servers)
    {
        var webPort = FreePorts.Next();
        var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["--web-listen", $"127.0.0.1:{webPort}", .. options], servers);
        try
        {
            await balancer.Process.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, webPort));
            return new ObservedBalancer(balancer, webPort);
        }
        catch
        {
            balancer.Dispose();
            throw;
        }
    }

    public Task<(string ContentType, string Body)> GetAsync(string path, string? accept = null) => GetAsync(WebPort, path, accept);

    /// <summary>GET from the web endpoint of a quill started otherwise (a UDP one, which has no TCP listener to wait for).</summary>
    public static async Task<(string ContentType, string Body)> GetAsync(int webPort, string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{webPort}{path}");
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (response.Content.Headers.ContentType?.ToString() ?? "", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Runs a tool to completion within a bound and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string executable, IEnumerable<string> arguments,
        string? stdin = null, TimeSpan? limit = null)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = stdin is not null, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var deadline = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} did not finish within {limit ?? TimeSpan.FromSeconds(60)}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    public void Dispose() => Balancer.Dispose();
}
