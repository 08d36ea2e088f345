using Xunit;
using Quill.Core.Configuration;

namespace Quill.Core.Tests.Configuration;

public class CommandLineParserTests
{
    private static CommandLineResult Parse(params string[] args) => CommandLineParser.Parse(args, FakeServices.Lookup);

    private static QuillOptions Run(params string[] args)
    {
        var result = Parse(args);
        var run = Assert.IsType<CommandLineResult.Run>(result);
        return run.Options;
    }

    private static string Error(params string[] args)
    {
        var result = Parse(args);
        return Assert.IsType<CommandLineResult.Error>(result).Message;
    }

    [Fact]
    public void Parse_NoOptions_HasDefaults()
    {
        var options = Run("8080", "a:80", "b");

        Assert.Equal(new ListenSpec("8080", "0.0.0.0", 8080, null), options.Listen);
        Assert.Equal([new ServerSpec("a:80", "a", 80, null), new ServerSpec("b", "b", 8080, null)], options.Servers);
        Assert.Equal(30, options.BlacklistSeconds);
        Assert.Equal(2048, options.ClientsMax);
        Assert.Equal(5, options.ConnectTimeoutSeconds);
        Assert.Equal(256, options.ConnectionsMax);
        Assert.Equal(500, options.ListenBacklog);
        Assert.Equal(100, options.MultiAccept);
        Assert.Equal(0, options.TrackingSeconds);
        Assert.Equal(0, options.DebugLevel);
        Assert.Equal(SelectionFlags.None, options.Selection);
        Assert.False(options.Ascii);
        Assert.False(options.Foreground);
        Assert.False(options.ExitEnabled);
        Assert.Null(options.PidFile);
        Assert.Null(options.Emergency);
        Assert.Null(options.Abuse);
        Assert.Empty(options.Commands);
        Assert.Empty(options.Notices);
    }

    [Fact]
    public void Parse_ListenOnly_HasNoServers()
    {
        Assert.Empty(Run("127.0.0.1:9000").Servers);
    }

    [Fact]
    public void Parse_PenManualExample_Works()
    {
        var options = Run("smtp", "mailhost1:smtp", "mailhost2:25", "mailhost3");

        Assert.Equal(25, options.Listen!.Port);
        Assert.Equal([25, 25, 25], options.Servers.Select(s => s.Port));
    }

    [Fact]
    public void Parse_NoArguments_ShowsHelp()
    {
        Assert.IsType<CommandLineResult.ShowHelp>(Parse());
        Assert.IsType<CommandLineResult.ShowHelp>(Parse("-f"));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-?")]
    [InlineData("-f?")]
    public void Parse_Help_ShowsHelp(string option)
    {
        Assert.IsType<CommandLineResult.ShowHelp>(Parse(option, "8080", "a"));
    }

    [Fact]
    public void Parse_Version_ShowsVersion()
    {
        Assert.IsType<CommandLineResult.ShowVersion>(Parse("-f", "--version"));
    }

    [Theory]
    [InlineData("-b", "7", nameof(QuillOptions.BlacklistSeconds), 7)]
    [InlineData("-b", "0", nameof(QuillOptions.BlacklistSeconds), 0)]
    [InlineData("-c", "10", nameof(QuillOptions.ClientsMax), 10)]
    [InlineData("-c", "0", nameof(QuillOptions.ClientsMax), 2048)]
    [InlineData("-x", "5", nameof(QuillOptions.ConnectionsMax), 5)]
    [InlineData("-x", "0", nameof(QuillOptions.ConnectionsMax), 256)]
    [InlineData("-T", "60", nameof(QuillOptions.TrackingSeconds), 60)]
    [InlineData("-t", "1", nameof(QuillOptions.ConnectTimeoutSeconds), 1)]
    [InlineData("-t", "30", nameof(QuillOptions.ConnectTimeoutSeconds), 30)]
    [InlineData("-q", "50", nameof(QuillOptions.ListenBacklog), 50)]
    [InlineData("-q", "1000", nameof(QuillOptions.ListenBacklog), 1000)]
    [InlineData("-m", "1", nameof(QuillOptions.MultiAccept), 1)]
    [InlineData("-m", "7", nameof(QuillOptions.MultiAccept), 7)]
    public void Parse_NumericOption_SetsValue(string option, string value, string property, int expected)
    {
        var options = Run(option, value, "8080");

        Assert.Equal(expected, typeof(QuillOptions).GetProperty(property)!.GetValue(options));
        Assert.Empty(options.Notices);
    }

    [Fact]
    public void Parse_MultiAcceptBelowOne_BumpedWithNotice()
    {
        var options = Run("-m", "0", "8080");

        Assert.Equal(1, options.MultiAccept);
        Assert.Equal(["multi_accept bumped to 1"], options.Notices);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("49")]
    public void Parse_ListenQueueBelowFifty_BumpedWithNotice(string value)
    {
        var options = Run("-q", value, "8080");

        Assert.Equal(50, options.ListenBacklog);
        Assert.Equal(["listen_queue bumped to 50"], options.Notices);
    }

    [Fact]
    public void Parse_TimeoutBelowOne_Fails()
    {
        Assert.Equal("-t 0: connect timeout must be at least 1 second", Error("-t", "0", "8080"));
    }

    [Fact]
    public void Parse_TimeoutBeyondADay_Fails()
    {
        Assert.Equal("-t 99999999: connect timeout must be at most 86400 seconds", Error("-t", "99999999", "8080"));
    }

    [Theory]
    [InlineData("-b", "abc")]
    [InlineData("-c", "-1")]
    [InlineData("-x", "5OO")]
    [InlineData("-T", "1.5")]
    [InlineData("-t", "")]
    [InlineData("-q", " 5")]
    [InlineData("-m", "+3")]
    [InlineData("-S", "x")]
    [InlineData("-x", "99999999999")]
    public void Parse_NumberNotWhole_FailsNamingOptionAndValue(string option, string value)
    {
        Assert.Equal($"invalid value '{value}' for {option}: expected a whole number", Error(option, value, "8080"));
    }

    [Fact]
    public void Parse_Flags_SetOptions()
    {
        var options = Run("-a", "-f", "-X", "-p", "/run/quill.pid", "8080");

        Assert.True(options.Ascii);
        Assert.True(options.Foreground);
        Assert.True(options.ExitEnabled);
        Assert.Equal("/run/quill.pid", options.PidFile);
    }

    [Fact]
    public void Parse_EmptyPidFile_Fails()
    {
        Assert.Equal("-p needs a file name", Error("-p", "", "8080"));
    }

    [Theory]
    [InlineData("-r", SelectionFlags.RoundRobin)]
    [InlineData("-h", SelectionFlags.Hash)]
    [InlineData("-s", SelectionFlags.Stubborn)]
    [InlineData("-W", SelectionFlags.Weight)]
    [InlineData("-N", SelectionFlags.Hash | SelectionFlags.NoSave)]
    [InlineData("-rhsW", SelectionFlags.RoundRobin | SelectionFlags.Hash | SelectionFlags.Stubborn | SelectionFlags.Weight)]
    public void Parse_SelectionFlag_SetsSelection(string option, SelectionFlags expected)
    {
        Assert.Equal(expected, Run(option, "8080").Selection);
    }

    [Fact]
    public void Parse_RepeatedDebug_Counts()
    {
        Assert.Equal(3, Run("-dd", "-d", "8080").DebugLevel);
    }

    [Fact]
    public void Parse_BundledFlagsWithValue_Works()
    {
        var options = Run("-rfx", "500", "8080");

        Assert.Equal(SelectionFlags.RoundRobin, options.Selection);
        Assert.True(options.Foreground);
        Assert.Equal(500, options.ConnectionsMax);
    }

    [Fact]
    public void Parse_AttachedValue_Works()
    {
        var options = Run("-x500", "-b7", "-dfT60", "8080");

        Assert.Equal(500, options.ConnectionsMax);
        Assert.Equal(7, options.BlacklistSeconds);
        Assert.Equal(1, options.DebugLevel);
        Assert.True(options.Foreground);
        Assert.Equal(60, options.TrackingSeconds);
    }

    [Fact]
    public void Parse_LaterValueWins()
    {
        Assert.Equal(9, Run("-b", "3", "-b", "9", "8080").BlacklistSeconds);
    }

    [Theory]
    [InlineData("-n", "Pen 0.26.0 and up uses only nonblocking sockets, making the -n option obsolete")]
    [InlineData("-P", "quill chooses its own event mechanism, making the -P option obsolete")]
    [InlineData("-Q", "Since Pen 0.26.0, kqueue is already the default on supported systems, making the -Q option obsolete")]
    [InlineData("-D", "Pen 0.26.0 removed the delayed forward feature, making the -D option obsolete")]
    public void Parse_ObsoleteFlag_AcceptedWithNotice(string option, string notice)
    {
        var options = Run(option, "8080", "a");

        Assert.Equal([notice], options.Notices);
        Assert.Equal(SelectionFlags.None, options.Selection);
        Assert.Equal("a", options.Servers.Single().Host);
    }

    [Fact]
    public void Parse_ServerTableSize_AcceptedWithNotice()
    {
        Assert.Equal(
            ["As of 0.28.1 the server table is expanded dynamically, making the -S option obsolete"],
            Run("-S", "4", "8080").Notices);
    }

    [Fact]
    public void Parse_SeveralNotices_KeepOrder()
    {
        var notices = Run("-m0", "-n", "-q1", "8080").Notices;

        Assert.Equal(3, notices.Count);
        Assert.Equal("multi_accept bumped to 1", notices[0]);
        Assert.StartsWith("Pen 0.26.0 and up", notices[1]);
        Assert.Equal("listen_queue bumped to 50", notices[2]);
    }

    [Fact]
    public void Parse_WindowsOnly_Fails()
    {
        Assert.Equal("-i is Windows only", Error("-i", "svc", "8080"));
    }

    [Fact]
    public void Parse_OperationsOptions_AreKept()
    {
        var options = Run("-l", "access.log", "-w", "status.html", "-u", "nobody", "-j", "/var/empty", "8080", "a");

        Assert.Equal("access.log", options.LogTarget);
        Assert.Equal("status.html", options.WebStatsFile);
        Assert.Equal("nobody", options.User);
        Assert.Equal("/var/empty", options.Jail);
    }

    [Theory]
    [InlineData("-l")]
    [InlineData("-w")]
    [InlineData("-u")]
    [InlineData("-j")]
    public void Parse_OperationsOptionEmpty_FailsNamingIt(string option)
    {
        Assert.Equal($"{option} needs a value", Error(option, "", "8080"));
    }

    [Fact]
    public void Parse_TlsOptions_AreKept()
    {
        var tls = Run("-E", "c.pem", "-K", "k.pem", "-G", "ca.pem", "-A", "/cas", "-R", "-L", "tls1.3", "443").Tls;

        Assert.Equal(new TlsOptions
        {
            CertificateFile = "c.pem", KeyFile = "k.pem", CaFile = "ca.pem", CaDirectory = "/cas",
            RequireClientCertificate = true, Protocol = "tls1.3",
        }, tls);
        Assert.True(tls.Enabled);
        Assert.False(Run("443").Tls.Enabled);
    }

    [Theory]
    [InlineData("ssl3", "-L ssl3: SSLv2 and SSLv3 are insecure and not supported; use tls1.2 or tls1.3")]
    [InlineData("ssl2", "-L ssl2: SSLv2 and SSLv3 are insecure and not supported; use tls1.2 or tls1.3")]
    [InlineData("tls9", "-L tls9: protocol version not known (expected ssl23, tls1, tls1.2 or tls1.3)")]
    public void Parse_RefusedTlsProtocol_FailsNamingIt(string protocol, string expected)
    {
        Assert.Equal(expected, Error("-E", "c.pem", "-L", protocol, "443"));
    }

    [Fact]
    public void Parse_CompatibilityFlag_AcceptedWithNotice()
    {
        Assert.Equal(["-Z (SSL bug workarounds) has no effect: quill's TLS needs none"], Run("-Z", "443").Notices);
    }

    [Theory]
    [InlineData("-Y", "unknown option '-Y'")]
    [InlineData("-fY", "unknown option '-Y'")]
    [InlineData("--verbose", "unknown option '--verbose'")]
    [InlineData("--demo=1", "unknown option '--demo=1'")]
    public void Parse_UnknownOption_FailsNamingIt(string option, string expected)
    {
        Assert.Equal(expected, Error(option, "8080"));
    }

    [Fact]
    public void Parse_MissingArgument_FailsNamingOption()
    {
        Assert.Equal("option '-b' requires an argument", Error("-f", "-b"));
    }

    [Theory]
    [InlineData("-f")]
    [InlineData("-x500")]
    [InlineData("--demo")]
    public void Parse_OptionAfterListenAddress_FailsNamingIt(string late)
    {
        Assert.Equal(
            $"option '{late}' after the listen address '8080': options must come before the listen address",
            Error("-d", "8080", "a:80", late));
    }

    [Fact]
    public void Parse_DoubleDash_AllowsOperandStartingWithDash()
    {
        var options = Run("--", "8080", "-host");

        Assert.Equal("-host", options.Servers.Single().Host);
    }

    [Fact]
    public void Parse_LoneDashAfterListen_IsAServer()
    {
        Assert.Equal("-", Run("8080", "-").Servers.Single().Host);
    }

    [Fact]
    public void Parse_ErrorStopsBeforeLaterHelp()
    {
        Assert.IsType<CommandLineResult.Error>(Parse("-Y", "--help"));
    }

    [Fact]
    public void Parse_InvalidListen_FailsNamingIt()
    {
        Assert.Equal("invalid listen address 'x:abc': unknown port 'abc'", Error("x:abc", "a"));
    }

    [Fact]
    public void Parse_InvalidServer_FailsNamingIt()
    {
        Assert.Equal("invalid server '::1:80': an IPv6 address must be in brackets, e.g. '[::1]:80'", Error("8080", "a", "::1:80"));
    }

    [Fact]
    public void Parse_UnixListenWithPortlessServer_Fails()
    {
        Assert.Equal(
            "invalid server 'a': no port given, and the listen address is a unix socket so there is no port to default to",
            Error("/tmp/quill.sock", "a"));
    }

    [Fact]
    public void Parse_UnixListen_Works()
    {
        var options = Run("/tmp/quill.sock", "a:80", "/tmp/b.sock");

        Assert.True(options.Listen!.IsUnix);
        Assert.Equal([80, 0], options.Servers.Select(s => s.Port));
    }

    [Fact]
    public void Parse_EmergencyAndAbuse_DefaultToListenPort()
    {
        var options = Run("-e", "spare", "-B", "[::1]:81:1:2:3:4", "127.0.0.1:9000", "a");

        Assert.Equal(new ServerSpec("spare", "spare", 9000, null), options.Emergency);
        Assert.Equal(new ServerSpec("[::1]:81:1:2:3:4", "::1", 81, null, 1, 2, 3, 4), options.Abuse);
    }

    [Fact]
    public void Parse_InvalidEmergency_FailsNamingIt()
    {
        Assert.Equal("invalid emergency server (-e) 'spare:x': unknown port 'x'", Error("-e", "spare:x", "8080"));
    }

    [Fact]
    public void Parse_InvalidAbuse_FailsNamingIt()
    {
        Assert.Equal("invalid abuse server (-B) 'jail:0': port '0' out of range (1-65535)", Error("-B", "jail:0", "8080"));
    }

    [Fact]
    public void Parse_AbuseWithoutPortOnUnixListen_Fails()
    {
        Assert.StartsWith("invalid abuse server (-B) 'jail': no port given", Error("-B", "jail", "/tmp/s"));
    }

    [Fact]
    public void Parse_Commands_AreStoredInOrderForTheDispatcher()
    {
        var options = Run("-o", "prio", "-O", "blacklist 10", "-b", "20", "-ddo", "debug 7", "8080");

        Assert.Equal(["prio", "blacklist 10", "debug 7"], options.Commands);
        // They run at start against the live balancer, so the options themselves are untouched.
        Assert.Equal(SelectionFlags.None, options.Selection);
        Assert.Equal(20, options.BlacklistSeconds);
        Assert.Equal(2, options.DebugLevel);
    }

    [Fact]
    public void Parse_HttpAndUdpFlags_AreKept()
    {
        Assert.True(Run("-H", "8080").HttpHeaders);
        Assert.True(Run("-fUH", "53").Udp);
        Assert.False(Run("53").Udp || Run("53").HttpHeaders);
    }

    [Fact]
    public void Parse_CommandWithLineBreak_Fails()
    {
        Assert.Equal("-o: one command per option, without line breaks", Error("-o", "mode\nservers", "8080"));
    }

    [Theory]
    [InlineData("10080", "127.0.0.1", 10080)]
    [InlineData("0.0.0.0:10080", "0.0.0.0", 10080)]
    [InlineData("127.0.0.1:10080", "127.0.0.1", 10080)]
    [InlineData("::1:10080", "::1", 10080)]
    [InlineData("[::1]:10080", "::1", 10080)]
    public void Parse_ControlPort_IsReadLikeTheListener(string text, string host, int port)
    {
        Assert.Equal(new ListenSpec(text, host, port, null), Run("-C", text, "8080").Control);
    }

    [Theory]
    [InlineData("10080", true)]
    [InlineData("0.0.0.0:10080", false)]
    [InlineData("127.0.0.1:10080", false)]
    public void Parse_ControlBarePort_SaysItIsLoopbackOnly(string text, bool notice)
    {
        Assert.Equal(notice, Run("-C", text, "8080").Notices.Contains("-C 10080: control port on 127.0.0.1 only; -C 0.0.0.0:10080 listens on every address"));
    }

    [Theory]
    [InlineData("--web-listen", "9100")]
    [InlineData("--web-listen=9100")]
    public void Parse_WebListen_IsTheWebListenCommand(params string[] option)
    {
        Assert.Equal(["web_listen 9100"], Run([.. option, "8080"]).Commands);
    }

    [Fact]
    public void Parse_SyslogFacility_IsTheSyslogFacilityCommand()
    {
        Assert.Equal(["syslog_facility daemon"], Run(["--syslog-facility", "daemon", "8080"]).Commands);
    }

    [Fact]
    public void Parse_WebListenWithoutAddress_IsRefused()
    {
        Assert.Equal("option '--web-listen' requires an argument", Error("--web-listen"));
    }

    [Fact]
    public void Parse_ControlUnixSocket_KeepsPath()
    {
        Assert.Equal("/run/quill.ctl", Run("-C", "/run/quill.ctl", "8080").Control?.UnixPath);
    }

    [Fact]
    public void Parse_BadControlPort_FailsNamingIt()
    {
        Assert.Equal("-C: invalid listen address 'x:nope': unknown port 'nope'", Error("-C", "x:nope", "8080"));
    }

    [Fact]
    public void Parse_ConfigFileAlone_RunsWithoutListener()
    {
        var options = Run("-F", "/etc/quill.cfg");

        Assert.Equal("/etc/quill.cfg", options.ConfigFile);
        Assert.Null(options.Listen);
        Assert.Empty(options.Servers);
    }

    [Fact]
    public void Parse_ConfigFileWithListener_KeepsBoth()
    {
        var options = Run("-F", "q.cfg", "8080", "a:81");

        Assert.Equal("q.cfg", options.ConfigFile);
        Assert.Equal(8080, options.Listen?.Port);
        Assert.Single(options.Servers);
    }

    [Fact]
    public void Parse_UserSwitchToCurrentUser_IsAccepted()
    {
        Assert.Equal(Environment.UserName, Run("-u", Environment.UserName, "8080").User);
    }

    [Fact]
    public void Parse_Demo_DefaultsListenTo8080()
    {
        var demo = Assert.IsType<CommandLineResult.Demo>(Parse("--demo"));

        Assert.Equal(new ListenSpec("8080", "0.0.0.0", 8080, null), demo.Options.Listen);
        Assert.Empty(demo.Options.Servers);
    }

    [Fact]
    public void Parse_TakeoverAndGrace_AreRead()
    {
        var options = Run("--takeover", "--grace", "5", "-p", "q.pid", "8080", "a:80");

        Assert.True(options.Takeover);
        Assert.Equal(5, options.GraceSeconds);
        Assert.Equal(12, Run("--grace=12", "8080", "a:80").GraceSeconds);
    }

    [Fact]
    public void Parse_Sockmap_TurnsKernelRelayingOn_NoSockmapOff()
    {
        Assert.False(Run("8080", "a:80").Sockmap);
        Assert.True(Run("--sockmap", "8080", "a:80").Sockmap);
        Assert.False(Run("--sockmap", "--no-sockmap", "8080", "a:80").Sockmap);
        Assert.Equal("unknown option '--no-sockmap=yes'", Error("--no-sockmap=yes", "8080", "a:80"));
    }

    [Fact]
    public void Parse_Grace_DefaultsTo30AndRefusesNonNumbers()
    {
        Assert.Equal(30, Run("8080", "a:80").GraceSeconds);
        Assert.False(Run("8080", "a:80").Takeover);
        Assert.Equal("--grace: 'soon' is not a whole number of seconds", Error("--grace", "soon", "8080", "a:80"));
        Assert.Equal("option '--grace' requires an argument", Error("--grace"));
    }

    [Fact]
    public void Parse_DemoWithListenAndOptions_Works()
    {
        var demo = Assert.IsType<CommandLineResult.Demo>(Parse("-r", "--demo", "-e", "spare", "-x", "10", "127.0.0.1:9000"));

        Assert.Equal(9000, demo.Options.Listen!.Port);
        Assert.Equal(SelectionFlags.RoundRobin, demo.Options.Selection);
        Assert.Equal(10, demo.Options.ConnectionsMax);
        Assert.Equal(9000, demo.Options.Emergency!.Port);
    }

    [Fact]
    public void Parse_DemoWithServers_Fails()
    {
        Assert.Equal(
            "--demo runs its own backends, so servers cannot be given: remove 'a:80'",
            Error("--demo", "9000", "a:80"));
    }

    [Fact]
    public void Parse_DemoWithBadListen_Fails()
    {
        Assert.Equal("invalid listen address 'x': unknown port 'x'", Error("--demo", "x"));
    }

    public static TheoryData<char> AllLetters() => [.. OptionTable.GetoptString.Where(char.IsAsciiLetter)];

    [Theory]
    [MemberData(nameof(AllLetters))]
    public void Parse_EveryPenOption_IsKnown(char letter)
    {
        var takesValue = OptionTable.GetoptString.Contains($"{letter}:", StringComparison.Ordinal);
        string[] args = takesValue ? [$"-{letter}", "1", "8080"] : [$"-{letter}", "8080"];

        var result = Parse(args);

        if (result is CommandLineResult.Error error)
        {
            Assert.DoesNotContain("unknown option", error.Message, StringComparison.Ordinal);
            Assert.Contains($"-{letter}", error.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.IsType<CommandLineResult.Run>(result);
        }
    }

    [Fact]
    public void Parse_Check_IsACheckOfTheSameOptions()
    {
        var check = Assert.IsType<CommandLineResult.Check>(Parse("--check", "-F", "/etc/quill/quill.cfg", "8080", "a:80"));

        Assert.Equal("/etc/quill/quill.cfg", check.Options.ConfigFile);
        Assert.Equal([new ServerSpec("a:80", "a", 80, null)], check.Options.Servers);
    }

    [Theory]
    [InlineData("--check", "-x")]
    [InlineData("--check", "--bogus", "8080", "a")]
    [InlineData("--check")]
    [InlineData("--check", "--demo")]
    public void Parse_CheckWithAnError_IsACheckError(params string[] args) =>
        Assert.True(Assert.IsType<CommandLineResult.Error>(Parse(args)).Checking);
}
