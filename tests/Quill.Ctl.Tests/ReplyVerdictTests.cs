namespace Quill.Ctl.Tests;

public class ReplyVerdictTests
{
    [Theory]
    [InlineData("reload: /etc/quill/quill.cfg applied\n", true)]
    [InlineData("reload: /etc/quill/quill.cfg applied, servers removed: 1 3\n", true)]
    [InlineData("/q.cfg:3: server 0 max: invalid number 'lots'\nreload: 1 error(s) in /q.cfg, nothing changed\n", false)]
    [InlineData("/q.cfg:1: listen: address already in use\nreload: /q.cfg applied, but 1 command(s) failed while applying it\n", false)]
    [InlineData("reload: there is no -F configuration file to reload\n", false)]
    [InlineData("do_cmd: ignoring command starting with 'reload'\n", false)]
    [InlineData("", false)]
    public void Reload_WorkedOnlyWhenAppliedWhole(string reply, bool worked)
    {
        Assert.Equal(worked, ReplyVerdict.Worked("reload", reply));
    }

    [Theory]
    [InlineData("alive: listening on 127.0.0.1:80, 2 of 2 servers up\n", true)]
    [InlineData("not alive: not listening\n", false)]
    public void Alive_WorkedOnlyForAlive(string reply, bool worked)
    {
        Assert.Equal(worked, ReplyVerdict.Worked("alive", reply));
    }

    [Fact]
    public void ExtraWords_AreJudgedByTheirCommand()
    {
        Assert.False(ReplyVerdict.Worked("reload now", "reload: unexpected argument 'now'\n"));
    }

    [Fact]
    public void OtherCommands_HaveNoVerdict()
    {
        Assert.Null(ReplyVerdict.Worked("servers", "nothing changed\n"));
        Assert.Null(ReplyVerdict.Worked("reloaded", "reload: x applied\n"));
    }
}
