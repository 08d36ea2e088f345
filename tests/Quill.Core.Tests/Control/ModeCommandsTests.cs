using Quill.Core.Configuration;
using Xunit;

namespace Quill.Core.Tests.Control;

public class ModeCommandsTests
{
    [Fact]
    public void Mode_Default_RepliesAllOff()
    {
        Assert.Equal("no hash no roundrobin no stubborn no weight no prio\n", new DispatcherFixture().Run("mode"));
    }

    [Theory]
    [InlineData("hash", SelectionFlags.Hash, "hash no roundrobin no stubborn no weight no prio\n")]
    [InlineData("roundrobin", SelectionFlags.RoundRobin, "no hash roundrobin no stubborn no weight no prio\n")]
    [InlineData("stubborn", SelectionFlags.Stubborn, "no hash no roundrobin stubborn no weight no prio\n")]
    [InlineData("weight", SelectionFlags.Weight, "no hash no roundrobin no stubborn weight no prio\n")]
    [InlineData("prio", SelectionFlags.Prio, "no hash no roundrobin no stubborn no weight prio\n")]
    public void ModeWord_SetsFlagLiveAndNoFormClearsIt(string word, SelectionFlags flag, string mode)
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run(word));
        Assert.Equal(flag, fixture.Selection.Settings.Flags);
        Assert.Equal(mode, fixture.Run("mode"));
        Assert.Equal("", fixture.Run("no " + word));
        Assert.Equal(SelectionFlags.None, fixture.Selection.Settings.Flags);
    }

    [Fact]
    public void NoHash_AlsoDropsNoSave()
    {
        var fixture = new DispatcherFixture();
        fixture.Selection.Settings.Flags = SelectionFlags.Hash | SelectionFlags.NoSave | SelectionFlags.Stubborn;

        fixture.Run("no hash");

        Assert.Equal(SelectionFlags.Stubborn, fixture.Selection.Settings.Flags);
    }

    [Fact]
    public void Roundrobin_ChangesTheNextPick()
    {
        var fixture = new DispatcherFixture();
        var first = fixture.Selection.Pick("10.0.0.1");

        fixture.Run("roundrobin");

        Assert.NotEqual(first, fixture.Selection.Pick("10.0.0.1"));
    }

    [Theory]
    [InlineData("hash x", "hash: unexpected argument 'x'\n")]
    [InlineData("no prio 1", "no prio: unexpected argument '1'\n")]
    [InlineData("mode all", "mode: unexpected argument 'all'\n")]
    public void ExtraArgument_IsRefusedAndChangesNothing(string command, string reply)
    {
        var fixture = new DispatcherFixture();
        var before = fixture.Snapshot();

        Assert.Equal(reply, fixture.Refuse(command));
        Assert.Equal(before, fixture.Snapshot());
    }
}
