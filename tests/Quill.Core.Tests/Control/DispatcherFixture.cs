using Quill.Core.Acl;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Tests.Configuration;
using Quill.Core.Tests.Selection;
using Xunit;

namespace Quill.Core.Tests.Control;

/// <summary>A dispatcher over three loopback servers (9001-9003), a fake clock and a fake process.</summary>
internal sealed class DispatcherFixture
{
    public DispatcherFixture(QuillOptions? options = null, int servers = 3, string? configFile = null)
    {
        Selection = new SelectorFixture(servers);
        Settings = new RuntimeSettings(options ?? new QuillOptions { Foreground = true });
        Selection.Selector.Admission = new AclAdmission(Acls, Settings, Selection.Table);
        Dispatcher = new PenctlDispatcher(new ControlContext
        {
            Selector = Selection.Selector,
            Selection = Selection.Settings,
            Acls = Acls,
            Settings = Settings,
            Runtime = Runtime,
            Time = Selection.Time,
            Services = FakeServices.Lookup,
        })
        { ConfigFile = configFile };
    }

    public SelectorFixture Selection { get; }
    public AccessLists Acls { get; } = new();
    public RuntimeSettings Settings { get; }
    public FakeRuntime Runtime { get; } = new();
    public PenctlDispatcher Dispatcher { get; }

    /// <summary>Runs a command that must succeed and returns its exact reply text.</summary>
    public string Run(string command)
    {
        var reply = Dispatcher.Execute(command);
        Assert.False(reply.IsError, $"'{command}' was refused: {reply.Text}");
        return reply.Text;
    }

    /// <summary>Runs a command that must be refused with one line, and returns that line.</summary>
    public string Refuse(string command)
    {
        var reply = Dispatcher.Execute(command);
        Assert.True(reply.IsError, $"'{command}' was accepted: {reply.Text}");
        Assert.EndsWith("\n", reply.Text);
        Assert.Single(reply.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return reply.Text;
    }

    /// <summary>Everything a refused command must leave alone, as text to compare before and after.</summary>
    public string Snapshot() =>
        Run("servers") + Run("mode") + string.Join("\n", Acls.ToCommands()) + Run("blacklist") + Run("timeout")
        + Run("tracking") + Run("clients_max") + Run("conn_max") + Run("client_acl") + Run("control_acl") + Run("debug");
}
