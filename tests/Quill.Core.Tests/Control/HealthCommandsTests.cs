using Quill.Core.Control;
using Quill.Core.Health;
using Xunit;

namespace Quill.Core.Tests.Control;

public class HealthCommandsTests
{
    /// <summary>Everything a health command may change: what write saves (settings and states) and the health list.</summary>
    private static string Everything(DispatcherFixture f) =>
        f.Snapshot() + string.Join("\n", HealthCommands.ToCommands(f.Dispatcher.Context)) + f.Run("health");

    [Fact]
    public void Health_ListsEveryServer_StateAndLastCheck()
    {
        var f = new DispatcherFixture(servers: 3);
        f.Run("server 1 drain");
        f.Run("server 2 maint");

        Assert.Equal(
            "0 addr 127.0.0.1 port 9001 state up check none last 0\n"
            + "1 addr 127.0.0.1 port 9002 state draining check none last 0\n"
            + "2 addr 127.0.0.1 port 9003 state maint check none last 0\n",
            f.Run("health"));
    }

    [Fact]
    public void Health_ShowsTheLastCheckAndItsTime()
    {
        var f = new DispatcherFixture(servers: 1);
        var server = f.Selection.Table[0]!;
        for (var i = 0; i < 3; i++) f.Selection.Selector.RecordCheck(server, false, "fail:status=503", 2, 3);

        var seconds = f.Selection.Time.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal($"0 addr 127.0.0.1 port 9001 state down check fail:status=503 last {seconds}\n", f.Run("health"));
    }

    [Fact]
    public void ServerUp_EndsDrainAndMaintenance()
    {
        var f = new DispatcherFixture(servers: 1);
        f.Run("server 0 maint");
        f.Run("server 0 up");

        Assert.Equal(AdminState.Normal, f.Selection.Table[0]!.Health.Admin);
    }

    [Fact]
    public void ServerSettings_AreTheServersOwn_GlobalsAreTheDefaults()
    {
        var f = new DispatcherFixture(servers: 2);
        f.Run("check tcp");
        f.Run("check_interval 500");
        f.Run("server 1 check send PING\\r\\n expect +PONG");
        f.Run("server 1 check_interval 100");
        f.Run("server 1 fall 1");

        var one = f.Selection.Table[1]!.HealthSettings.Over(f.Selection.Settings.Health);
        var zero = f.Selection.Table[0]!.HealthSettings.Over(f.Selection.Settings.Health);
        Assert.Equal((CheckKind.SendExpect, 100, 1, 2), (one.Check.Kind, one.IntervalMs, one.Fall, one.Rise));
        Assert.Equal((CheckKind.Tcp, 500, 3), (zero.Check.Kind, zero.IntervalMs, zero.Fall));
        Assert.Equal("tcp\n", f.Run("check"));
        Assert.Equal("500\n", f.Run("check_interval"));
    }

    [Theory]
    [InlineData("server 0 check udp", "server 0 check: unknown check kind 'udp'")]
    [InlineData("server 0 check", "server 0 check: missing value")]
    [InlineData("server 0 check http /h 700", "bad http status '700'")]
    [InlineData("server 0 check_interval 99", "server 0 check_interval: 99 out of range 100-86400000")]
    [InlineData("server 0 check_interval 1s", "server 0 check_interval: invalid number '1s'")]
    [InlineData("server 0 check_timeout 0", "out of range 1-86400000")]
    [InlineData("server 0 rise 0", "server 0 rise: 0 out of range 1-1000")]
    [InlineData("server 0 fall -1", "invalid number '-1'")]
    [InlineData("server 0 slowstart 86401", "out of range 0-86400")]
    [InlineData("server 0 check_tls yes", "expected on or off")]
    [InlineData("server 0 rise 2 3", "unexpected argument '3'")]
    [InlineData("server 3 check tcp", "server 3 check: server number 3 out of range 0-2")]
    [InlineData("server 70000 drain", "out of range 0-2")]
    [InlineData("server x drain", "invalid number 'x'")]
    [InlineData("server 0 drain now", "server 0 drain: unexpected argument 'now'")]
    [InlineData("check bogus", "check: unknown check kind 'bogus'")]
    [InlineData("check_interval 50", "check_interval: 50 out of range 100-86400000")]
    [InlineData("fall x", "fall: invalid number 'x'")]
    [InlineData("slowstart -5", "slowstart: invalid number '-5'")]
    [InlineData("health now", "health: unexpected argument 'now'")]
    [InlineData("server 1 check default tcp", "server 1 check: unexpected argument 'tcp'")]
    [InlineData("server 1 rise default 2", "server 1 rise: unexpected argument '2'")]
    [InlineData("server 3 slowstart default", "server 3 slowstart: server number 3 out of range 0-2")]
    [InlineData("rise default", "rise: invalid number 'default'")]
    public void BadInput_IsRefusedWithOneLine_AndChangesNothing(string command, string reason)
    {
        var f = new DispatcherFixture(servers: 3);
        f.Run("server 1 check tcp");
        f.Run("server 2 drain");
        var before = Everything(f);

        Assert.Contains(reason, f.Refuse(command), StringComparison.Ordinal);

        Assert.Equal(before, Everything(f));
    }

    [Fact]
    public void Write_SavesEveryHealthCommand_AndReadingItBackRestoresThem()
    {
        var f = new DispatcherFixture(servers: 3);
        string[] commands =
        [
            "check http /health 200-299", "check_interval 250", "check_timeout 200", "rise 4", "fall 5", "check_tls on",
            "slowstart 30", "server 0 check send PING\\r\\n expect +PONG", "server 0 check_interval 100",
            "server 1 check off", "server 1 check_timeout 50", "server 1 rise 1", "server 1 fall 2", "server 1 check_tls off",
            "server 2 slowstart 0", "server 1 drain", "server 2 maint",
        ];
        foreach (var command in commands) f.Run(command);

        var written = ConfigWriter.Write(f.Dispatcher.Context, "quill.cfg");
        var again = new DispatcherFixture(servers: 3);
        foreach (var line in written.Split('\n')) Assert.False(again.Dispatcher.Execute(line).IsError, line);

        Assert.All(commands, command => Assert.Contains(command, written, StringComparison.Ordinal));
        Assert.Equal(ConfigWriter.Write(f.Dispatcher.Context, "x"), ConfigWriter.Write(again.Dispatcher.Context, "x"));
        Assert.Equal(f.Run("health"), again.Run("health"));
    }

    [Theory]
    [InlineData("check", "check http /health")]
    [InlineData("check_interval", "check_interval 100")]
    [InlineData("check_timeout", "check_timeout 50")]
    [InlineData("rise", "rise 7")]
    [InlineData("fall", "fall 9")]
    [InlineData("check_tls", "check_tls on")]
    [InlineData("slowstart", "slowstart 30")]
    public void ServerSettingDefault_DropsTheServersOwnValue_TheGlobalAppliesAndWriteNoLongerNamesIt(string word, string own)
    {
        var f = new DispatcherFixture(servers: 2);
        f.Run("check tcp");
        f.Run($"server 1 {own}");
        f.Run($"server 0 {own}");

        Assert.Equal("", f.Run($"server 1 {word} default"));

        Assert.True(f.Selection.Table[1]!.HealthSettings.IsEmpty);
        Assert.Equal(new HealthSettings().Over(f.Selection.Settings.Health), f.Selection.Table[1]!.HealthSettings.Over(f.Selection.Settings.Health));
        var written = string.Join("\n", HealthCommands.ToCommands(f.Dispatcher.Context));
        Assert.DoesNotContain($"server 1 {word}", written, StringComparison.Ordinal);
        Assert.Contains($"server 0 {own}", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WithDefaults_SavesNoHealthLine()
    {
        var f = new DispatcherFixture(servers: 2);

        Assert.Empty(HealthCommands.ToCommands(f.Dispatcher.Context));
    }

    [Fact]
    public void OtherServerSettings_StillWork()
    {
        var f = new DispatcherFixture(servers: 1);
        f.Run("server 0 weight 7 prio 2");

        Assert.Equal(7, f.Selection.Table[0]!.Weight);
    }
}
