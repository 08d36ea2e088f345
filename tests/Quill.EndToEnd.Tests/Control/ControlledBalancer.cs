using System.Net;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Control;

/// <summary>A balancer started with a control port on 127.0.0.1 (and -u root when the tests run as root, as pen needs).</summary>
internal sealed class ControlledBalancer : IDisposable
{
    private ControlledBalancer(BalancerProcess process, ListenAddress listen, IPEndPoint control)
    {
        Process = process;
        Listen = listen;
        Control = control;
    }

    public BalancerProcess Process { get; }
    public ListenAddress Listen { get; }
    public IPEndPoint Control { get; }

    /// <summary>The -C argument as given.</summary>
    public string ControlText => $"127.0.0.1:{Control.Port}";

    /// <summary>pen refuses its control port to root unless -u is given; -u root keeps root and opens it.</summary>
    public static string[] AsRootOptions => Environment.IsPrivilegedProcess ? ["-u", "root"] : [];

    public static async Task<ControlledBalancer> StartAsync(BalancerKind kind, IEnumerable<string> options, params string[] servers)
    {
        var listen = ListenAddress.Loopback(FreePorts.Next());
        var control = new IPEndPoint(IPAddress.Loopback, FreePorts.Next());
        var process = await BalancerProcess.StartAsync(
            kind, listen, [.. AsRootOptions, "-C", $"127.0.0.1:{control.Port}", .. options], servers);
        try
        {
            // pen and quill open the control port before the listener; waiting for it too costs nothing and
            // keeps the tests right if that order ever changes.
            await process.WaitUntilListeningAsync(control).ConfigureAwait(false);
        }
        catch
        {
            process.Dispose();
            throw;
        }
        return new ControlledBalancer(process, listen, control);
    }

    public Task<string> AskAsync(string command) => Penctl.AskAsync(Control, command);

    public void Dispose() => Process.Dispose();
}
