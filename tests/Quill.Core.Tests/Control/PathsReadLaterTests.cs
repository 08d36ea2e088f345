using Quill.Core.Configuration;
using Quill.Core.Control;
using Xunit;

namespace Quill.Core.Tests.Control;

/// <summary>ssl_sni_path and ssl_ocsp_response name files read at handshakes, long after a daemon left its directory.</summary>
public class PathsReadLaterTests
{
    public static TheoryData<string> Commands => ["ssl_sni_path", "ssl_ocsp_response"];

    [Theory]
    [MemberData(nameof(Commands))]
    public void AbsoluteIsKept_RelativeIsMadeAbsolute_NoArgumentClearsIt(string command)
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run($"{command} /etc/quill/file"));
        Assert.Equal("/etc/quill/file", Setting(fixture.Settings, command));
        Assert.Equal("", fixture.Run($"{command} file"));
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "file"), Setting(fixture.Settings, command));
        Assert.Equal("", fixture.Run(command));
        Assert.Null(Setting(fixture.Settings, command));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void InAJail_StaysAsGiven(string command)
    {
        var fixture = new DispatcherFixture(new QuillOptions { Foreground = true, Jail = "/var/empty" });

        Assert.Equal("", fixture.Run($"{command} file"));
        Assert.Equal("file", Setting(fixture.Settings, command));
    }

    private static string? Setting(RuntimeSettings settings, string command) =>
        command == "ssl_sni_path" ? settings.SniDirectory : settings.OcspResponseFile;
}
