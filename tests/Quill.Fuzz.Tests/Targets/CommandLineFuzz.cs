using CsCheck;
using Quill.Core.Configuration;
using Quill.Core.Tests.Configuration;
using Quill.Fuzz.Tests.Harness;

namespace Quill.Fuzz.Tests.Targets;

/// <summary>
/// quill's command line (getopt, the listen address, servers, numbers): every argument list ends in a result, an
/// error is one line, and what runs has ports in range.
/// </summary>
public sealed class CommandLineFuzz
{
    private const string Target = "cmdline";

    private static readonly string[] Vocabulary =
    [
        "-r", "-f", "-d", "-dd", "-a", "-h", "-s", "-W", "-H", "-U", "-R", "-Z", "-N", "-X", "-n", "-P", "-Q", "-D",
        "-rfx", "-x", "-x500", "-c", "-b", "-t", "-T", "-m", "-q", "-S", "-e", "-B", "-C", "-F", "-o", "-O", "-p", "-l",
        "-w", "-u", "-j", "-i", "-E", "-K", "-G", "-A", "-L", "-?", "-:", "-y", "--", "-", "--demo", "--help",
        "--version", "--other", "8080", "127.0.0.1:8080", "[::1]:8080", "::1:8080", "/tmp/quill.sock", "http",
        "bogus", "localhost:http", "10.0.0.1", "10.0.0.1:80", "10.0.0.1:80:10:20:3:1", "host::5", "[::1]",
        "[::1]x", "[::1:80", "a]:80", "::", "fe80::1", "500", "0", "86400", "86401", "tls1.2", "tls1.3", "ssl3",
        "ssl23", "server 0 port 80", "roundrobin", "a\nb", "/tmp/quill.cfg", "",
    ];

    private static readonly Gen<string[]> Arguments = Gen.Frequency(
        (9, Hostile.Word(Vocabulary).Array[0, 10]),
        (1, Hostile.RandomText.Array[0, 6]));

    [Fact]
    public void Fuzz() => FuzzCampaign.Run(Target, Arguments, Check, Printed.Words);

    [Fact]
    public void Replay() => FuzzCampaign.Replay(Corpus.Words(Target), Check, Printed.Words);

    private static void Check(string[] args)
    {
        switch (CommandLineParser.Parse(args, FakeServices.Lookup))
        {
            case CommandLineResult.Error error:
                Assert.False(string.IsNullOrEmpty(error.Message));
                Expect.OneLine(error.Message, args);
                break;
            case CommandLineResult.Run run:
                CheckPorts(run.Options);
                Assert.True(run.Options.Listen is not null || run.Options.ConfigFile is not null, "runs with nothing to listen on");
                Assert.InRange(run.Options.ConnectTimeoutSeconds, 1, QuillOptions.MaxConnectTimeoutSeconds);
                break;
            case CommandLineResult.Demo demo:
                CheckPorts(demo.Options);
                Assert.Empty(demo.Options.Servers);
                break;
            case CommandLineResult.ShowHelp or CommandLineResult.ShowVersion:
                break;
            default:
                Assert.Fail("no result");
                break;
        }
    }

    private static void CheckPorts(QuillOptions options)
    {
        if (options.Listen is { IsUnix: false } listen) Assert.InRange(listen.Port, 1, PortNumber.Max);
        if (options.Control is { IsUnix: false } control) Assert.InRange(control.Port, 1, PortNumber.Max);
        foreach (var server in options.Servers.Append(options.Emergency).Append(options.Abuse).OfType<ServerSpec>())
        {
            if (server.IsUnix) Assert.Equal(0, server.Port);
            else Assert.InRange(server.Port, 1, PortNumber.Max);
            Assert.True(server.Soft >= 0 && server.Hard >= 0 && server.Weight >= 0 && server.Prio >= 0, $"negative limit in {server}");
        }
    }
}
