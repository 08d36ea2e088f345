using System.Text;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Xunit;

namespace Quill.Core.Tests.Control;

public sealed class FileCommandsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("quill-control-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private string WriteFile(string name, params string[] lines)
    {
        var path = PathOf(name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    [Fact]
    public void Include_RunsEveryLineAndRepliesTheirReplies()
    {
        var fixture = new DispatcherFixture();
        var file = WriteFile("a.cfg", "# comment", "", "weight", "blacklist 12", "mode");

        Assert.Equal("12\nno hash no roundrobin no stubborn weight no prio\n", fixture.Run($"include {file}"));
        Assert.Equal(12, fixture.Selection.Settings.BlacklistSeconds);
    }

    [Fact]
    public void Include_BadLine_IsReportedWithFileAndLineAndTheRestRuns()
    {
        var fixture = new DispatcherFixture();
        var file = WriteFile("b.cfg", "blacklist 12", "server 1 max x", "tracking 9");

        var reply = fixture.Dispatcher.Execute($"include {file}");

        Assert.True(reply.IsError);
        Assert.Equal($"12\n9\n{file}:2: server 1 max: invalid number 'x'\n", reply.Text);
        Assert.Equal(9, fixture.Selection.Clients.TrackingSeconds);
    }

    [Fact]
    public void Include_Missing_IsRefused()
    {
        var reply = new DispatcherFixture().Refuse($"include {PathOf("none.cfg")}");

        Assert.StartsWith($"include: cannot read '{PathOf("none.cfg")}': ", reply);
    }

    [Fact]
    public void Include_Itself_IsRefusedAtOnce()
    {
        var path = PathOf("self.cfg");
        File.WriteAllText(path, $"include {path}\n");

        var reply = new DispatcherFixture().Dispatcher.Execute($"include {path}");

        Assert.True(reply.IsError);
        Assert.Equal($"{path}:1: include: '{path}' is being read already (does a file include itself?)\n", reply.Text);
    }

    /// <summary>Found by fuzzing: a -F file that includes itself twice was read 2^16 times (each level doubling)
    /// before the depth limit ended it, with an error text growing as fast; the start never finished.</summary>
    [Fact]
    public async Task ConfigFile_IncludingItselfTwice_IsReadOnce()
    {
        var path = PathOf("twice.cfg");
        File.WriteAllText(path, $"include {path}\ninclude {path}\nblacklist 7\n");
        var fixture = new DispatcherFixture();

        var outcome = await Task.Run(() => ConfigFileReader.Run(fixture.Dispatcher, path)).WaitAsync(TimeSpan.FromSeconds(30));

        var refusal = $"include: '{path}' is being read already (does a file include itself?)";
        Assert.Equal([$"{path}:1: {refusal}", $"{path}:2: {refusal}"], outcome.Errors);
        Assert.Equal("7\n", fixture.Run("blacklist"));
    }

    /// <summary>Found by fuzzing (the config campaign of 2026-12-07): a file starting with FF FE was read as UTF-16, so
    /// its commands and the refusal's text were not the bytes in the file, as pen reads them.</summary>
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0xFE, 0xFF })]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF })]
    public void ConfigFile_StartingWithAByteOrderMark_IsReadAsItsBytes(byte[] mark)
    {
        var path = PathOf("marked.cfg");
        File.WriteAllBytes(path, [.. mark, .. "blacklist 7\nblacklist 9\n"u8]);
        var fixture = new DispatcherFixture();

        var outcome = ConfigFileReader.Run(fixture.Dispatcher, path);

        var first = Encoding.Latin1.GetString(mark) + "blacklist";
        Assert.Equal([$"{path}:1: do_cmd: ignoring command starting with '{first}'"], outcome.Errors);
        Assert.Equal("9\n", fixture.Run("blacklist"));
    }

    [Fact]
    public void Include_ChainOfFiles_StopsAtTheDepthLimit()
    {
        for (var i = 0; i < 20; i++) WriteFile($"chain{i}.cfg", $"include {PathOf($"chain{i + 1}.cfg")}");

        var reply = new DispatcherFixture().Dispatcher.Execute($"include {PathOf("chain0.cfg")}");

        Assert.True(reply.IsError);
        Assert.Contains("nested more than 16 deep", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_WithoutFile_IsRefused()
    {
        Assert.Equal("include: missing file name\n", new DispatcherFixture().Refuse("include"));
    }

    [Fact]
    public void Write_ProducesPensFormatKeepingWeightsAndPrios()
    {
        var options = new QuillOptions
        {
            Foreground = true,
            ExitEnabled = true,
            Control = new ListenSpec("127.0.0.1:9100", "127.0.0.1", 9100, null),
        };
        var fixture = new DispatcherFixture(options, servers: 2);
        fixture.Run("server 1 max 3 hard 4 weight 5 prio 6");
        fixture.Run("acl 1 permit 10.0.0.0 255.0.0.0");
        fixture.Run("hash");
        var path = PathOf("w.cfg");

        Assert.Equal("", fixture.Run($"write {path}"));

        var lines = File.ReadAllLines(path);
        Assert.Equal("# Generated by quill 2026-01-01 00:00:00", lines[0].Replace(
            fixture.Selection.Time.GetLocalNow().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            "2026-01-01 00:00:00", StringComparison.Ordinal));
        Assert.Equal($"# quill -f -X -x 4 -F '{path}' -C 127.0.0.1:9100 127.0.0.1:8080", lines[1]);
        Assert.Equal(
        [
            "no acl 0", "no acl 1", "acl 1 permit 10.0.0.0 255.0.0.0", "no acl 2", "no acl 3", "no acl 4", "no acl 5",
            "no acl 6", "no acl 7", "no acl 8", "no acl 9", "no ascii", "blacklist 30", "client_acl 0", "control_acl 0",
            "debug 0", "hash", "no http", "no log", "no roundrobin",
            "server 0 acl 0 address 127.0.0.1 port 9001 max 0 hard 0 weight 0 prio 0",
            "server 1 acl 0 address 127.0.0.1 port 9002 max 3 hard 4 weight 5 prio 6",
            "no stubborn", "tcp_fastclose off", "tcp_nodelay", "timeout 5", "tracking 0", "no web_stats", "no weight",
            "no prio", "idle_timeout 0", "no keepalive",
        ], lines[2..]);
    }

    [Fact]
    public void Write_ThenReadBack_ReproducesServersModeAndAcls()
    {
        var fixture = new DispatcherFixture(servers: 2);
        fixture.Run("server 1 acl 3 max 3 hard 4 weight 5 prio 6");
        fixture.Run("server 3 address 127.0.0.1 port 9004 weight 7");
        fixture.Run("acl 3 deny ::1/64");
        fixture.Run("stubborn");
        fixture.Run("blacklist 17");
        fixture.Run("timeout 8");
        fixture.Run("tracking 60");
        fixture.Run("client_acl 3");
        var path = PathOf("round.cfg");
        fixture.Run($"write {path}");

        var copy = new DispatcherFixture(servers: 0);
        var outcome = ConfigFileReader.Run(copy.Dispatcher, path);

        Assert.Equal([], outcome.Errors);
        Assert.Equal(fixture.Snapshot(), copy.Snapshot());
    }

    [Fact]
    public void Write_ThenReadBack_ReproducesConnectionSettings()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("http");
        fixture.Run("tcp_nodelay");
        fixture.Run("keepalive");
        fixture.Run("tcp_fastclose both");
        fixture.Run("idle_timeout 42");
        fixture.Run("source 127.0.0.1");
        var path = PathOf("settings.cfg");
        fixture.Run($"write {path}");

        var copy = new DispatcherFixture(servers: 0);
        var outcome = ConfigFileReader.Run(copy.Dispatcher, path);

        Assert.Equal([], outcome.Errors);
        var (a, b) = (fixture.Settings, copy.Settings);
        Assert.Equal((true, true, true, FastClose.Both, 42, "127.0.0.1"),
            (b.HttpHeaders, b.TcpNoDelay, b.KeepAlive, b.FastClose, b.IdleTimeoutSeconds, b.SourceAddress?.ToString()));
        Assert.Equal((a.HttpHeaders, a.TcpNoDelay, a.KeepAlive, a.FastClose, a.IdleTimeoutSeconds, a.SourceAddress?.ToString()),
            (b.HttpHeaders, b.TcpNoDelay, b.KeepAlive, b.FastClose, b.IdleTimeoutSeconds, b.SourceAddress?.ToString()));
    }

    [Fact]
    public void Write_ThenReadBack_ReproducesTlsSettings()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("ssl_ciphers ECDHE-RSA-AES256-GCM-SHA384:!aNULL");
        fixture.Run("ssl_option no_tlsv1.2");
        fixture.Run("ssl_option cipher_server_preference");
        fixture.Run("ssl_client_renegotiation_interval 60");
        fixture.Run("geoip_path /var/lib/GeoIP");
        fixture.Run("ssl_ocsp_response /etc/quill/ocsp.der");
        var path = PathOf("tls.cfg");
        fixture.Run($"write {path}");

        var copy = new DispatcherFixture(servers: 0);
        var outcome = ConfigFileReader.Run(copy.Dispatcher, path);

        Assert.Equal([], outcome.Errors);
        var b = copy.Settings;
        Assert.Equal("/var/lib/GeoIP", b.GeoIpPath);
        Assert.Equal("/etc/quill/ocsp.der", b.OcspResponseFile);
        Assert.Equal(("ECDHE-RSA-AES256-GCM-SHA384:!aNULL", Quill.Core.Tls.SslOptions.NoTls12 | Quill.Core.Tls.SslOptions.CipherServerPreference, 60),
            (b.SslCiphers, b.SslOptions, b.RenegotiationIntervalSeconds));
    }

    [Fact]
    public void Write_WithoutFile_WritesTheConfigFile()
    {
        var path = PathOf("main.cfg");
        var fixture = new DispatcherFixture(configFile: path);

        fixture.Run("write");

        Assert.Contains("server 2 acl 0 address 127.0.0.1 port 9003 max 0 hard 0 weight 0 prio 0", File.ReadAllLines(path));
    }

    [Fact]
    public void Write_WithoutFileOrConfigFile_IsRefused()
    {
        Assert.Equal("write: no file given, and there is no -F configuration file to write to\n",
            new DispatcherFixture().Refuse("write"));
    }

    [Fact]
    public void Write_Unwritable_IsRefusedNamingTheFile()
    {
        var path = PathOf("no/such/dir.cfg");

        Assert.StartsWith($"write: cannot write '{path}': ", new DispatcherFixture().Refuse($"write {path}"));
    }

    [Fact]
    public void ConfigFileReader_ReportsEveryBadLineWithItsNumber()
    {
        var fixture = new DispatcherFixture();
        var file = WriteFile("c.cfg", "frob", "# fine", "timeout 0", "weight");

        var outcome = ConfigFileReader.Run(fixture.Dispatcher, file);

        Assert.Equal(
            [$"{file}:1: do_cmd: ignoring command starting with 'frob'", $"{file}:3: timeout: connect timeout must be at least 1 second"],
            outcome.Errors);
        Assert.Equal(SelectionFlags.Weight, fixture.Selection.Settings.Flags);
    }
}
