using Quill.Core.Control;
using Quill.Core.Tests.Selection;
using Xunit;

namespace Quill.Core.Tests.Control;

/// <summary>
/// The atomic reload against a live dispatcher over three servers (9001-9003), checked on a scratch dispatcher that
/// plays a start whose command line names two (9001, 9002).
/// </summary>
public sealed class ConfigReloaderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("quill-reload-");
    private readonly DispatcherFixture _live = new();
    private readonly List<ReloadRecord> _reported = [];

    public void Dispose() => _dir.Delete(recursive: true);

    private string WriteFile(params string[] lines)
    {
        var path = Path.Combine(_dir.FullName, "quill.cfg");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    private PenctlDispatcher Live(string file, params string[] startupCommands) =>
        new(_live.Dispatcher.Context)
        {
            ConfigFile = file,
            Reloader = new ConfigReloader(startupCommands, () => new DispatcherFixture(servers: 2).Dispatcher, _reported.Add),
        };

    /// <summary>New clients go round the three servers; the third one lands on server 2.</summary>
    private Quill.Core.Selection.ConnectionAttempt HoldAConnectionOnServer2()
    {
        var selector = _live.Selection.Selector;
        for (var i = 1; i <= 3; i++)
        {
            var attempt = selector.Begin(SelectorFixture.Ip($"10.0.0.{i}"), 1);
            if (attempt.Server == 2) return attempt;
            selector.Finished(attempt, 0, 0);
        }

        throw new InvalidOperationException("three new clients never reached server 2");
    }

    [Fact]
    public void Reload_BadThirdLine_ChangesNothingAndNamesFileAndLine()
    {
        var file = WriteFile("blacklist 17", "server 0 weight 5", "server 1 max x", "roundrobin");
        var live = Live(file);
        var before = _live.Snapshot();

        var reply = live.Execute("reload");

        Assert.True(reply.IsError);
        Assert.Equal(before, _live.Snapshot());
        Assert.Equal($"{file}:3: server 1 max: invalid number 'x'\nreload: 1 error(s) in {file}, nothing changed\n", reply.Text);
        var record = Assert.Single(_reported);
        Assert.False(record.Applied);
        Assert.Equal($"{file}:3: server 1 max: invalid number 'x'", record.FirstError);
        Assert.Same(record, live.Reloader!.LastReload);
    }

    [Fact]
    public void Reload_EveryBadLineIsReported_NotOnlyTheFirst()
    {
        var file = WriteFile("bogus", "blacklist 12", "server 1 port nope");
        var record = Live(file).Reloader!.Reload(Live(file));

        Assert.Equal(2, record.Errors.Count);
        Assert.StartsWith($"{file}:1: ", record.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"{file}:3: ", record.Errors[1], StringComparison.Ordinal);
        Assert.Equal(30, _live.Selection.Settings.BlacklistSeconds);
    }

    [Fact]
    public void Reload_GoodFile_IsAppliedWhole()
    {
        var file = WriteFile("blacklist 17", "server 2 address 127.0.0.1 port 9003 weight 4", "roundrobin");

        var reply = Live(file).Execute("reload");

        Assert.False(reply.IsError, reply.Text);
        Assert.Equal($"reload: {file} applied\n", reply.Text);
        Assert.Equal(17, _live.Selection.Settings.BlacklistSeconds);
        Assert.Equal(4, _live.Selection.Table[2]!.Weight);
        Assert.True(Assert.Single(_reported).Succeeded);
    }

    [Fact]
    public void Reload_ServerNoLongerNamed_GetsNoNewClientsAndLeavesWhenItsLastConnectionEnds()
    {
        var selector = _live.Selection.Selector;
        var held = HoldAConnectionOnServer2();

        // Server 2 is neither on the (scratch) command line nor in the file.
        var reply = Live(WriteFile("roundrobin")).Execute("reload");

        Assert.EndsWith("servers removed: 2\n", reply.Text, StringComparison.Ordinal);
        Assert.True(_live.Selection.Table[2]!.IsUsed);
        for (var i = 0; i < 10; i++)
        {
            var attempt = selector.Begin(SelectorFixture.Ip($"10.0.1.{i}"), 1);
            Assert.NotEqual(2, attempt.Server);
            selector.Finished(attempt, 0, 0);
        }

        selector.Finished(held, 0, 0);
        Assert.False(_live.Selection.Table[2]!.IsUsed);
        Assert.Equal(3, _live.Selection.Table.Count);
    }

    [Fact]
    public void Reload_ServerNamedAgain_IsTakenBack()
    {
        HoldAConnectionOnServer2();
        Live(WriteFile("roundrobin")).Execute("reload");

        var reply = Live(WriteFile("server 2 address 127.0.0.1 port 9003")).Execute("reload");

        Assert.Equal($"reload: {Path.Combine(_dir.FullName, "quill.cfg")} applied\n", reply.Text);
        Assert.False(_live.Selection.Table[2]!.Removed);
    }

    [Fact]
    public void Reload_InsideAFile_IsRefused()
    {
        var file = WriteFile("reload");

        var record = Live(file).Reloader!.Reload(Live(file));

        Assert.Equal($"{file}:1: reload: not inside a configuration file (it would read the file again from within)", Assert.Single(record.Errors));
    }

    [Fact]
    public void Reload_WithoutAFile_IsRefused() =>
        Assert.Equal("reload: there is no -F configuration file to reload\n", _live.Refuse("reload"));

    [Fact]
    public void Reload_ScratchCannotBeBuilt_ChangesNothing()
    {
        var file = WriteFile("blacklist 17");
        var live = new PenctlDispatcher(_live.Dispatcher.Context)
        {
            ConfigFile = file,
            Reloader = new ConfigReloader([], () => throw new ArgumentException("unknown or invalid address [gone:80]"), _reported.Add),
        };

        var reply = live.Execute("reload");

        Assert.True(reply.IsError);
        Assert.StartsWith("command line: unknown or invalid address [gone:80]\n", reply.Text, StringComparison.Ordinal);
        Assert.Equal(30, _live.Selection.Settings.BlacklistSeconds);
    }
}
