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
/// The penctl side of the process: runs -o and -F at start, serves the control port (-C), and re-reads -F on
/// SIGHUP. All of them go through the one dispatcher.
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
        var services = EtcServices.Load(EtcServices.DefaultPath, "tcp");
        Dispatcher = new PenctlDispatcher(new ControlContext
        {
            Selector = state.Selector,
            Selection = state.Settings,
            Acls = acls,
            Settings = settings,
            Runtime = runtime,
            Time = time,
            Services = services,
            Counters = counters,
        })
        { ConfigFile = options.ConfigFile };
    }

    public PenctlDispatcher Dispatcher { get; }

    /// <summary>-o/-O in order, then the -F file; replies go to stdout as with pen.</summary>
    /// <returns>Null when all went well, else the lines to report (each naming the command or file and line).</returns>
    public IReadOnlyList<string>? RunStartupCommands()
    {
        foreach (var command in _options.Commands)
        {
            var reply = Dispatcher.Execute(command);
            if (reply.IsError) return [$"-o '{command}': {reply.Text.TrimEnd('\n')}"];
            Console.Out.Write(reply.Text);
        }

        return _options.ConfigFile is { } file ? RunConfigFile(file) : null;
    }

    /// <summary>SIGHUP: runs the -F file again against the live state; refused lines are reported and skipped.</summary>
    public void Reload()
    {
        if (_options.ConfigFile is not { } file) return;
        _log.Write(1, $"re-reading {file}");
        var errors = RunConfigFile(file);
        Dispatcher.Context.Counters.ConfigReload(errors is null ? "success" : "failure");
        foreach (var error in errors ?? []) Console.Error.WriteLine($"quill: {error}");
    }

    /// <summary>-C: opens the control port, unless running as root without -u (pen's rule: warn and run on).</summary>
    /// <returns>Null when all went well (or the port was refused for root), else why it could not be opened.</returns>
    public string? OpenControlPort(TimeProvider time)
    {
        if (_options.Control is not { } control) return null;
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
                });
            _log.Write(1, $"control port on {control.Text}");
            return null;
        }
        catch (ArgumentException e)
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

    private IReadOnlyList<string>? RunConfigFile(string file)
    {
        try
        {
            var outcome = ConfigFileReader.Run(Dispatcher, file);
            Console.Out.Write(outcome.Replies);
            return outcome.Errors.Count == 0 ? null : outcome.Errors;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [$"-F {file}: {e.Message}"];
        }
    }

    private bool IsPermitted(IPAddress? peer)
    {
        if (_acls.Permits(_settings.ControlAcl, peer)) return true;
        _log.Write(0, "do_ctrl: not from there");
        return false;
    }

    private string Dispatch(string line) => Dispatcher.Execute(line).Text;
}
