using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Quill.Hosting;

/// <summary>
/// sd_notify(3) by hand, for a <c>Type=notify</c> unit: one datagram per state change to the unix socket named by
/// NOTIFY_SOCKET (a path, or an abstract name written with a leading '@'). Without NOTIFY_SOCKET every call does
/// nothing. READY=1 once listening, RELOADING=1 and READY=1 around a HUP, STOPPING=1 on TERM, INT or exit, each
/// with a one-line STATUS=; and WATCHDOG=1 every half of WATCHDOG_USEC when systemd asks for it (WATCHDOG_PID unset
/// or this process). A lost datagram only costs systemd's view of the state, so a failed send is said at -d and
/// never stops the balancer.
/// </summary>
internal static class SystemdNotify
{
    private static readonly TimeSpan SendLimit = TimeSpan.FromSeconds(2);
    private static readonly Lazy<Target?> Destination = new(Target.FromEnvironment);
    private static readonly Lock Gate = new();
    private static Func<string>? _status;
    private static CancellationTokenSource? _watchdog;
    private static Action<string> _report = _ => { };

    /// <summary>The balancer listens: READY=1 with <paramref name="status"/> (asked again after each reload), and the watchdog starts.</summary>
    /// <param name="report">Receives a one-line description of a send that failed.</param>
    public static void Ready(Func<string> status, Action<string> report)
    {
        if (Destination.Value is not { } target) return;
        lock (Gate)
        {
            (_status, _report) = (status, report);
            Send(target, $"READY=1\nSTATUS={OneLine(status())}");
            if (target.WatchdogInterval is { } interval && _watchdog is null)
            {
                _watchdog = new CancellationTokenSource();
                _ = PingAsync(target, interval / 2, _watchdog.Token);
            }
        }
    }

    /// <summary>
    /// A HUP begins. MONOTONIC_USEC (CLOCK_MONOTONIC, which Stopwatch reads on Linux) is what systemd 253 and later
    /// want with RELOADING=1 to match it to the reload they asked for; older versions ignore it. Nothing is said
    /// before READY=1, so a HUP during start-up cannot announce readiness early.
    /// </summary>
    public static void Reloading()
    {
        if (Destination.Value is not { } target) return;
        lock (Gate)
        {
            if (_status is null) return;
            var now = Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);
            Send(target, $"RELOADING=1\nMONOTONIC_USEC={now.ToString(CultureInfo.InvariantCulture)}\nSTATUS=reloading the configuration");
        }
    }

    /// <summary>The HUP's actions are done: READY=1 again, with the status as it is now.</summary>
    public static void Reloaded()
    {
        if (Destination.Value is not { } target) return;
        lock (Gate)
        {
            if (_status is not { } status) return;
            Send(target, $"READY=1\nSTATUS={OneLine(status())}");
        }
    }

    /// <summary>TERM, INT, QUIT or exit: STOPPING=1, and the watchdog stops (systemd no longer expects it).</summary>
    public static void Stopping()
    {
        if (Destination.Value is not { } target) return;
        lock (Gate)
        {
            _watchdog?.Cancel();
            Send(target, "STOPPING=1\nSTATUS=stopping: closing connections");
        }
    }

    private static async Task PingAsync(Target target, TimeSpan every, CancellationToken stop)
    {
        // A timer on the thread pool: the pings stop when the pool is starved or the process hangs, which is what
        // the watchdog is there to catch.
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                lock (Gate) Send(target, "WATCHDOG=1");
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static void Send(Target target, string message)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTimeout = (int)SendLimit.TotalMilliseconds;
            socket.SendTo(Encoding.UTF8.GetBytes(message), target.EndPoint);
        }
        catch (SocketException e)
        {
            _report($"cannot notify systemd at {target.Name}: {e.Message}");
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private sealed record Target(string Name, UnixDomainSocketEndPoint EndPoint, TimeSpan? WatchdogInterval)
    {
        public static Target? FromEnvironment()
        {
            var name = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
            if (string.IsNullOrEmpty(name) || (name[0] != '/' && name[0] != '@')) return null;
            // An abstract name starts with a NUL byte on the wire; .NET takes it the same way.
            var endPoint = new UnixDomainSocketEndPoint(name[0] == '@' ? "\0" + name[1..] : name);
            return new Target(name, endPoint, WatchdogFromEnvironment());
        }

        /// <summary>WATCHDOG_USEC, when WATCHDOG_PID is unset or names this process (not a parent that set it for itself).</summary>
        private static TimeSpan? WatchdogFromEnvironment()
        {
            if (!long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec <= 0)
                return null;
            var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
            if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture)) return null;
            return TimeSpan.FromMicroseconds(usec);
        }
    }
}
