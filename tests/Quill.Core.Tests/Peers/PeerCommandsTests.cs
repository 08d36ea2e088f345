using Quill.Core.Tests.Control;
using Xunit;

namespace Quill.Core.Tests.Peers;

public sealed class PeerCommandsTests : IDisposable
{
    private readonly string _keyFile = Path.GetTempFileName();

    public void Dispose() => File.Delete(_keyFile);

    [Fact]
    public void Peer_AddsListsAndRemoves_AndTellsTheProcess()
    {
        var fixture = new DispatcherFixture();

        fixture.Run("peer 192.0.2.10:7400");
        fixture.Run("peer 192.0.2.11:7400");
        fixture.Run("peer 192.0.2.10:7400");

        Assert.Equal("192.0.2.10:7400\n192.0.2.11:7400\n", fixture.Run("peer"));
        fixture.Run("no peer 192.0.2.10:7400");
        Assert.Equal("192.0.2.11:7400\n", fixture.Run("peer"));
        fixture.Run("no peer");
        Assert.Equal("", fixture.Run("peer"));
        Assert.Equal(4, fixture.Runtime.PeerChanges);
    }

    [Theory]
    [InlineData("peer 192.0.2.10", "peer: invalid peer address '192.0.2.10'")]
    [InlineData("peer /run/quill.sock", "peer: '/run/quill.sock' is not HOST:PORT")]
    [InlineData("no peer 192.0.2.99:1", "no peer: '192.0.2.99:1' is not a peer")]
    [InlineData("peer_key /nonexistent/quill.key", "peer_key: cannot read '/nonexistent/quill.key'")]
    public void BadArguments_AreRefused_AndChangeNothing(string command, string start)
    {
        var fixture = new DispatcherFixture();

        Assert.StartsWith(start, fixture.Refuse(command));
        Assert.Equal("", fixture.Run("peer"));
        Assert.Null(fixture.Settings.Peers.Key);
    }

    [Fact]
    public void PeerKey_TooShort_IsRefused()
    {
        File.WriteAllText(_keyFile, "short\n");
        var fixture = new DispatcherFixture();

        Assert.Contains("a key needs at least 16", fixture.Refuse($"peer_key {_keyFile}"));
        Assert.Null(fixture.Settings.Peers.Key);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, "0640")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherRead, "0404")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite, "0620")]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void PeerKey_OpenToGroupOrOthers_IsRefusedOnOneLine_AsSshRefusesKeys(UnixFileMode mode, string shown)
    {
        File.WriteAllText(_keyFile, "0123456789abcdef0123\n");
        File.SetUnixFileMode(_keyFile, mode);
        var fixture = new DispatcherFixture();

        var error = fixture.Refuse($"peer_key {_keyFile}");

        Assert.Equal($"peer_key: '{_keyFile}' is open to its group or others (mode {shown}); a key must be readable by its owner only (chmod 600 {_keyFile})\n", error);
        Assert.Null(fixture.Settings.Peers.Key);
        Assert.Equal("", fixture.Run("peer_key"));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [InlineData(UnixFileMode.UserRead)]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void PeerKey_ReadableByItsOwnerOnly_IsTaken(UnixFileMode mode)
    {
        File.WriteAllText(_keyFile, "0123456789abcdef0123\n");
        File.SetUnixFileMode(_keyFile, mode);
        var fixture = new DispatcherFixture();

        fixture.Run($"peer_key {_keyFile}");

        Assert.Equal("0123456789abcdef0123"u8.ToArray(), fixture.Settings.Peers.Key);
    }

    [Fact]
    public void PeerKey_ReadsTheFile_WithoutItsNewline()
    {
        File.WriteAllText(_keyFile, "0123456789abcdef0123\n");
        var fixture = new DispatcherFixture();

        fixture.Run($"peer_key {_keyFile}");

        Assert.Equal("0123456789abcdef0123"u8.ToArray(), fixture.Settings.Peers.Key);
        Assert.Equal(_keyFile + "\n", fixture.Run("peer_key"));
    }

    [Fact]
    public void Write_KeepsTheSyncSettings_ButNeverTheKey()
    {
        File.WriteAllText(_keyFile, "0123456789abcdef0123\n");
        var fixture = new DispatcherFixture();
        fixture.Run($"peer_key {_keyFile}");
        fixture.Run("peer_listen 0.0.0.0:7400");
        fixture.Run("peer 192.0.2.11:7400");

        var written = fixture.Dispatcher.RunningConfiguration();

        Assert.Contains($"peer_key {_keyFile}\n", written);
        Assert.Contains("peer_listen 0.0.0.0:7400\n", written);
        Assert.Contains("peer 192.0.2.11:7400\n", written);
        Assert.DoesNotContain("0123456789abcdef", written);
    }

    [Fact]
    public void PeerListen_OpensAndCloses()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("0.0.0.0:7400\n", fixture.Run("peer_listen 0.0.0.0:7400"));
        fixture.Run("no peer_listen");

        Assert.Null(fixture.Runtime.PeerListen);
    }

    [Fact]
    public void Alive_ListeningWithAServerUp_IsAlive_ElseSaysWhy()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("alive: listening on 127.0.0.1:8080, 3 of 3 servers up\n", fixture.Run("alive"));
        for (var i = 0; i < 3; i++) fixture.Run($"server {i} maint");
        Assert.Equal("not alive: no server available (3 configured, none up)\n", fixture.Refuse("alive"));
    }
}
