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
}
