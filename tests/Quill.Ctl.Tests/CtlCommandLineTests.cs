namespace Quill.Ctl.Tests;

public class CtlCommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("--json", "--help")]
    [InlineData("--help", "127.0.0.1:10080", "servers")]
    public void Help_ShowsUsage(params string[] args)
    {
        Assert.IsType<CtlCommandLineResult.ShowUsage>(CtlCommandLine.Parse(args));
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("--timeout", "3", "--version")]
    public void Version_ShowsVersion(params string[] args)
    {
        Assert.IsType<CtlCommandLineResult.ShowVersion>(CtlCommandLine.Parse(args));
    }

    [Fact]
    public void TooFewArguments_ShowsUsage()
    {
        Assert.IsType<CtlCommandLineResult.ShowUsage>(CtlCommandLine.Parse(["127.0.0.1:10080"]));
    }

    [Fact]
    public void UnknownOption_IsAnError()
    {
        Assert.Equal(new CtlCommandLineResult.Error("unknown option '--frob'"), CtlCommandLine.Parse(["--frob"]));
    }

    [Fact]
    public void AddressAndCommand_AreSent()
    {
        var parsed = CtlCommandLine.Parse(["--timeout", "2.5", "--json", "127.0.0.1:10080", "servers"]);

        var send = Assert.IsType<CtlCommandLineResult.Send>(parsed);
        Assert.Equal(new CtlCommandLine("127.0.0.1:10080", "servers", TimeSpan.FromSeconds(2.5), Json: true), send.CommandLine);
    }
}
