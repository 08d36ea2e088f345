using Quill.Core.Control;
using Xunit;

namespace Quill.Core.Tests.Control;

/// <summary>dummy, idlers and transparent: the commands, their replies, and write keeping them.</summary>
public class ConnectionFeatureCommandsTests
{
    private static string PathOf(string name) => Path.Combine(Path.GetTempPath(), $"quill-{Guid.NewGuid():N}-{name}");

    [Fact]
    public void Dummy_SetAndClear()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run("dummy"));
        Assert.True(fixture.Settings.Dummy);
        Assert.Equal("", fixture.Run("no dummy"));
        Assert.False(fixture.Settings.Dummy);
        Assert.Equal("dummy: unexpected argument 'x'\n", fixture.Refuse("dummy x"));
    }

    [Fact]
    public void Write_ThenReadBack_KeepsDummy()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("dummy");
        var path = PathOf("dummy.cfg");
        try
        {
            fixture.Run($"write {path}");
            var copy = new DispatcherFixture(servers: 0);

            Assert.Contains("\ndummy\n", File.ReadAllText(path));
            Assert.Equal([], ConfigFileReader.Run(copy.Dispatcher, path).Errors);
            Assert.True(copy.Settings.Dummy);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Idlers_SetQuietly_ReportReadyOverWanted()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("Idlers: 0/0\n", fixture.Run("idlers"));
        Assert.Equal("", fixture.Run("idlers 3"));
        Assert.Equal("Idlers: 0/3\n", fixture.Run("idlers"));
        Assert.Equal(3, fixture.Settings.IdlersWanted);
        Assert.Equal("idlers: invalid number '-2'\n", fixture.Refuse("idlers -2"));
        Assert.Equal("idlers: unexpected argument '4'\n", fixture.Refuse("idlers 1 4"));
        Assert.Equal(3, fixture.Settings.IdlersWanted);
        Assert.Equal("", fixture.Run("idlers 0"));
        Assert.Equal(0, fixture.Settings.IdlersWanted);
    }

    [Fact]
    public void Write_ThenReadBack_KeepsIdlers()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("idlers 2");
        var path = PathOf("idlers.cfg");
        try
        {
            fixture.Run($"write {path}");
            var copy = new DispatcherFixture(servers: 0);

            Assert.Equal([], ConfigFileReader.Run(copy.Dispatcher, path).Errors);
            Assert.Equal(2, copy.Settings.IdlersWanted);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Transparent_SetAndClear_WriteKeepsIt()
    {
        var fixture = new DispatcherFixture();
        Assert.Equal("", fixture.Run("transparent"));
        Assert.True(fixture.Settings.Transparent);
        var path = PathOf("transparent.cfg");
        try
        {
            fixture.Run($"write {path}");
            var copy = new DispatcherFixture(servers: 0);

            Assert.Equal([], ConfigFileReader.Run(copy.Dispatcher, path).Errors);
            Assert.True(copy.Settings.Transparent);
            Assert.Equal("", copy.Run("no transparent"));
            Assert.False(copy.Settings.Transparent);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
