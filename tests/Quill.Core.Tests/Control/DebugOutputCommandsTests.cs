using Quill.Core.Configuration;
using Xunit;

namespace Quill.Core.Tests.Control;

/// <summary>syslog_facility and stderr_format: where the debug output's severity shows.</summary>
public class DebugOutputCommandsTests
{
    [Theory]
    [InlineData("daemon", 3, "daemon")]
    [InlineData("local7", 23, "local7")]
    [InlineData("kern", 0, "kern")]
    [InlineData("auth2", 10, "authpriv")]
    public void SyslogFacility_TakesSyslogAndHaproxyNames(string name, int code, string reply)
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("user\n", fixture.Run("syslog_facility"));
        Assert.Equal($"{reply}\n", fixture.Run($"syslog_facility {name}"));
        Assert.Equal(code, fixture.Runtime.SyslogFacility);
    }

    [Fact]
    public void StderrFormat_IsSetAndRead()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("pen\n", fixture.Run("stderr_format"));
        Assert.Equal("short\n", fixture.Run("stderr_format short"));
        Assert.Equal("timed\n", fixture.Run("stderr_format timed"));
        Assert.Equal(StderrFormat.Timed, fixture.Runtime.StderrFormatChoice);
    }

    [Theory]
    [InlineData("syslog_facility local8", "syslog_facility: 'local8' is not a facility (kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, audit, alert, cron2, local0-local7)\n")]
    [InlineData("syslog_facility USER", "syslog_facility: 'USER' is not a facility (kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, audit, alert, cron2, local0-local7)\n")]
    [InlineData("syslog_facility user daemon", "syslog_facility: unexpected argument 'daemon'\n")]
    [InlineData("stderr_format json", "stderr_format: 'json' is not pen, short or timed\n")]
    public void BadInput_IsRefusedWithOneLine_AndChangesNothing(string command, string error)
    {
        var fixture = new DispatcherFixture();

        Assert.Equal(error, fixture.Refuse(command));
        Assert.Equal(SyslogFacility.User, fixture.Runtime.SyslogFacility);
        Assert.Null(fixture.Runtime.StderrFormatChoice);
    }

    [Fact]
    public void Write_KeepsAChosenFacilityAndFormat_AndOmitsTheDefaults()
    {
        var fixture = new DispatcherFixture();
        var written = Path.Combine(Path.GetTempPath(), $"quill-debug-output-{Guid.NewGuid():N}.conf");
        try
        {
            fixture.Run($"write {written}");
            Assert.DoesNotContain(File.ReadAllLines(written), line => line.StartsWith("syslog_facility", StringComparison.Ordinal) || line.StartsWith("stderr_format", StringComparison.Ordinal));

            fixture.Run("syslog_facility local3");
            fixture.Run("stderr_format short");
            fixture.Run($"write {written}");
            var lines = File.ReadAllLines(written);
            Assert.Contains("syslog_facility local3", lines);
            Assert.Contains("stderr_format short", lines);
        }
        finally
        {
            File.Delete(written);
        }
    }
}
