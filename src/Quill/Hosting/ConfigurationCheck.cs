using Quill.Core.Acl;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Model;
using Quill.Net;
using Quill.Operations;

namespace Quill.Hosting;

/// <summary>
/// The configuration as a start reads it, opening nothing: <c>quill --check</c>, and the scratch state the reload
/// checks a file against before it touches the running one.
/// </summary>
internal static class ConfigurationCheck
{
    private const string CommandLine = "command line";

    /// <summary>A dispatcher over a fresh state built from the command line, as a start has it before -o and -F.</summary>
    /// <exception cref="ArgumentException">A command-line server that cannot be resolved (one line).</exception>
    public static PenctlDispatcher Scratch(QuillOptions options, TimeProvider time)
    {
        var state = BalancerState.Create(options, time);
        var settings = new RuntimeSettings(options);
        var acls = new AccessLists();
        state.Selector.Admission = new AclAdmission(acls, settings, state.Servers);
        return ControlPlane.CreateDispatcher(options, state, settings, acls, new CheckingRuntime(options), time, new BalancerCounters(),
            reloader: null, checking: true);
    }

    /// <summary>Prints the errors on stderr, one a line, or "configuration ok" on stdout.</summary>
    /// <returns>The exit code: 0 when there is no error, else 1.</returns>
    public static int Report(IReadOnlyList<string> errors)
    {
        foreach (var error in errors) Console.Error.WriteLine(error);
        if (errors.Count > 0) return 1;
        Console.Out.WriteLine("configuration ok");
        return 0;
    }

    /// <summary>Every error a start would meet before opening its sockets, one a line ("FILE:LINE: message").</summary>
    public static IReadOnlyList<string> Run(QuillOptions options, TimeProvider time)
    {
        var errors = new List<string>();
        try
        {
            PrivilegeDrop.Prepare(options);
        }
        catch (ArgumentException e)
        {
            errors.Add($"{CommandLine}: {e.Message}");
        }

        PenctlDispatcher scratch;
        try
        {
            scratch = Scratch(options, time);
        }
        catch (ArgumentException e)
        {
            errors.Add($"{CommandLine}: {e.Message}");
            return errors;
        }

        errors.AddRange(ConfigCheck.Run(scratch, options.Commands, options.ConfigFile).Errors);
        if (scratch.Context.Runtime.ListenText is null)
        {
            if (options.Listen is not { } listen) errors.Add($"{CommandLine}: {BalancerHost.NoListenAddress}");
            else if (scratch.Context.Runtime.TryListen(listen) is { } listenError) errors.Add($"{CommandLine}: {listenError}");
        }

        try
        {
            if (options.Control is { } control) EndPointResolver.ResolveListen(control);
        }
        catch (ArgumentException e)
        {
            errors.Add($"{CommandLine}: -C {options.Control?.Text}: {e.Message}");
        }

        return errors;
    }
}
