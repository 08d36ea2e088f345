using Quill.Core.Control;
using Xunit;

namespace Quill.Core.Tests.Control;

public class ControlModeCommandsTests
{
    [Fact]
    public void NoArgument_ShowsTheDefault0600()
    {
        Assert.Equal("0600\n", new DispatcherFixture().Run("control_mode"));
    }

    [Theory]
    [InlineData("660", 0x1B0)]
    [InlineData("0660", 0x1B0)]
    [InlineData("0", 0)]
    [InlineData("777", 0x1FF)]
    public void OctalMode_IsKept(string text, int mode)
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run($"control_mode {text}"));
        Assert.Equal(mode, fixture.Settings.ControlSocketMode);
    }

    [Theory]
    [InlineData("0800")]
    [InlineData("1777")]
    [InlineData("rw")]
    [InlineData("-600")]
    [InlineData("00660")]
    public void BadMode_OneLineErrorNothingChanged(string text)
    {
        var fixture = new DispatcherFixture();

        Assert.Equal($"control_mode: invalid mode '{text}' (octal, 0000 to 0777)\n", fixture.Refuse($"control_mode {text}"));
        Assert.Equal(RuntimeSettings.DefaultControlSocketMode, fixture.Settings.ControlSocketMode);
    }

    [Fact]
    public void Write_KeepsAModeOtherThanTheDefault_AndOnlyThen_AndItReadsBack()
    {
        using var directory = new TempConfigDirectory();
        var fixture = new DispatcherFixture();
        fixture.Run($"write {directory.File("default.cfg")}");
        Assert.DoesNotContain("control_mode", File.ReadAllText(directory.File("default.cfg")), StringComparison.Ordinal);

        fixture.Run("control_mode 0660");
        fixture.Run($"write {directory.File("group.cfg")}");

        Assert.Contains("\ncontrol_mode 0660\n", File.ReadAllText(directory.File("group.cfg")), StringComparison.Ordinal);
        var copy = new DispatcherFixture(servers: 0);
        Assert.Equal([], ConfigFileReader.Run(copy.Dispatcher, directory.File("group.cfg")).Errors);
        Assert.Equal(0x1B0, copy.Settings.ControlSocketMode);
    }

    private sealed class TempConfigDirectory : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("quill-control-mode-");

        public string File(string name) => Path.Combine(_directory.FullName, name);

        public void Dispose() => _directory.Delete(recursive: true);
    }
}
