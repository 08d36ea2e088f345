using System.Net;
using System.Net.Sockets;
using Quill.Core.Acl;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Model;
using Quill.Diagnostics;
using Quill.Net;
using Quill.Net.Control;

namespace Quill.Hosting;

/// <summary>
/// The penctl side of the process: runs -o and -F at start, serves the control port (-C), and reloads -F on
/// SIGHUP and <c>reload</c>. All of them go through the one dispatcher.
/// </summary>
internal sealed class ControlPlane : IAsyncDisposable
{
    private static readonly TimeSpan ReplyGrace = TimeSpan.FromSeconds(5);

    private readonly QuillOptions _options;
    private readonly AccessLists _acls;
    private readonly RuntimeSettings _settings;
    private readonly DebugLog _log;
    private ControlServer? _server;

    public ControlPlane(QuillOptions options, BalancerState state, RuntimeSettings settings, AccessLists acls,
        IBalancerRuntime runtime, TimeProvider time, DebugLog log, BalancerCounters counters)
    {
        _options = options;
        _acls = acls;
        _settings = settings;
        _log = log;
        var reloader = options.ConfigFile is null ? null
            : new ConfigReloader(options.Commands, () => ConfigurationCheck.Scratch(options, time), Report);
        Dispatcher = CreateDispatcher(options, state, settings, acls, runtime, time, counters, reloader, checking: false);
    }

    /// <summary>The dispatcher over one state: the running one (with its reloader when there is -F), or a check's
    /// scratch copy (<paramref name="checking"/>: no reloader, <c>write</c> writes nothing).</summary>
    public static PenctlDispatcher CreateDispatcher(QuillOptions options, BalancerState state, RuntimeSettings settings,
        AccessLists acls, IBalancerRuntime runtime, TimeProvider time, BalancerCounters counters, ConfigReloader? reloader,
        bool checking) =>
        new(new ControlContext
        {
            Selector = state.Selector,
            Selection = state.Settings,
            Acls = acls,
            Settings = settings,
            Runtime = runtime,
            Time = time,
            Services = Interop.ServiceNames.For("tcp"),
            Counters = counters,
        })
        { ConfigFile = options.ConfigFile, Reloader = reloader, Checking = checking };

    public PenctlDispatcher Dispatcher { get; }

    /// <summary>-o/-O in order, then the -F file, as <c>quill --check</c> reads them; replies go to stdout as with pen.</summary>
    /// <returns>Null when all went well, else the lines to report (each naming the command or file and line).</returns>
    public IReadOnlyList<string>? RunStartupCommands()
    {
        var outcome = ConfigCheck.Run(Dispatcher, _options.Commands, _options.ConfigFile);
        Console.Out.Write(outcome.Replies);
        return outcome.Succeeded ? null : outcome.Errors;
    }

    /// <summary>The last reload (HUP or <c>reload</c>): time, result, errors; null before the first or without -F.</summary>
    public ReloadRecord? LastReload => Dispatcher.Reloader?.LastReload;

    /// <summary>SIGHUP: the atomic reload of the -F file (checked whole, then applied in one step, or nothing).</summary>
    public void Reload()
    {
        if (_options.ConfigFile is null) return;
        _log.Write(1, $"re-reading {_options.ConfigFile}");
        Dispatcher.Execute("reload");
    }

    /// <summary>The control port's listening descriptor, for a takeover; null without one.</summary>
    public int? ControlDescriptor => _server?.ListenerDescriptor;

    /// <summary>What <c>write</c> would write now, for a takeover.</summary>
    public string RunningConfiguration() => Dispatcher.RunningConfiguration();

    /// <summary>Takeover, new side: applies the previous process's runtime configuration after -o and -F.</summary>
    public void ApplyHandedConfiguration(string configuration)
    {
        foreach (var line in configuration.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var reply = Dispatcher.Execute(line);
            if (reply.IsError) Console.Error.WriteLine($"quill: takeover: '{line}': {reply.Text.TrimEnd('\n')}");
        }
    }

    /// <summary>Takeover, old side: the next process accepts on the control port from now on.</summary>
    public Task AbandonControlPortAsync() => _server?.AbandonListenerAsync(ReplyGrace) ?? Task.CompletedTask;

    /// <summary>
    /// -C: opens the control port, unless running as root without -u (pen's rule: warn and run on). A unix socket
    /// gets control_mode (0600 by default) and belongs to the -u user, who keeps access after the switch.
    /// </summary>
    /// <param name="owner">The -u user's uid and gid, or null.</param>
    /// <param name="handed">Takeover: the previous process's control listener, served instead of opening one.</param>
    /// <returns>Null when all went well (or the port was refused for root), else why it could not be opened.</returns>
    public string? OpenControlPort(TimeProvider time, (uint User, uint Group)? owner, int? handed = null)
    {
        if (_options.Control is not { } control)
        {
            // Started without -C: the handed control listener is not wanted here.
            if (handed is { } unused) new Microsoft.Win32.SafeHandles.SafeFileHandle(unused, ownsHandle: true).Dispose();
            return null;
        }
        if (handed is { } fd)
        {
            _server = ControlServer.Adopt(fd, IsPermitted, Dispatch, new ControlServerOptions
            {
                TimeProvider = time,
                OnCallbackError = e => _log.Write(0, $"control command failed: {e.Message}"),
            });
            _log.Write(1, $"control port on {control.Text} (taken over)");
            return null;
        }
        if (Environment.IsPrivilegedProcess && _options.User is null)
        {
            _log.Write(0, "Won't open control port running as root; use -u to run as different user");
            return null;
        }

        try
        {
            _server = ControlServer.Start(EndPointResolver.ResolveListen(control), IsPermitted, Dispatch,
                new ControlServerOptions
                {
                    TimeProvider = time,
                    OnCallbackError = e => _log.Write(0, $"control command failed: {e.Message}"),
                    UnixSocketMode = (uint)_settings.ControlSocketMode,
                    UnixSocketOwner = owner,
                });
            _log.Write(1, $"control port on {control.Text}");
            return null;
        }
        catch (Exception e) when (e is ArgumentException or IOException)
        {
            return $"-C {control.Text}: {e.Message}";
        }
        catch (SocketException e)
        {
            return $"cannot open control port {control.Text}: {SocketErrorText.Describe(e.SocketErrorCode)}";
        }
    }

    /// <summary>Lets a control reply in progress (the one to exit, say) reach its client, then closes the port.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_server is { } server) await server.StopAsync(ReplyGrace).ConfigureAwait(false);
    }

    /// <summary>Every reload is logged: refusals at level 0, one line each with file and line, then the summary.</summary>
    private void Report(ReloadRecord record)
    {
        foreach (var error in record.Errors) _log.Write(0, error);
        _log.Write(record.Succeeded ? 1 : 0, record.Summary);
    }

    private bool IsPermitted(IPAddress? peer)
    {
        if (_acls.Permits(_settings.ControlAcl, peer)) return true;
        _log.Write(0, "do_ctrl: not from there");
        return false;
    }

    private string Dispatch(string line) => Dispatcher.Execute(line).Text;
}
