using Quill.Core.Health;
using Xunit;

namespace Quill.Core.Tests.Health;

public class HealthCheckTests
{
    [Theory]
    [InlineData("tcp", "tcp")]
    [InlineData("off", "off")]
    [InlineData("http /health", "http /health")]
    [InlineData("http /health 200", "http /health 200")]
    [InlineData("http /h 200-399", "http /h")]
    [InlineData("http /h?x=1 204-204", "http /h?x=1 204")]
    [InlineData("send PING\\r\\n expect +PONG", "send PING\\r\\n expect +PONG")]
    [InlineData("send \\x00\\x7f\\\\ expect \\t", "send \\x00\\x7F\\\\ expect \\t")]
    public void Parse_ReadsBackFromItsOwnText(string words, string text)
    {
        var check = HealthCheck.Parse(words.Split(' '), out var error);

        Assert.NotNull(check);
        Assert.Equal("", error);
        Assert.Equal(text, check.ToString());
        Assert.Equal(check, HealthCheck.Parse(check.ToString().Split(' '), out _));
    }

    [Fact]
    public void Parse_SendExpect_HoldsTheEscapedBytes()
    {
        var check = HealthCheck.Parse(["send", "PING\\r\\n", "expect", "+PONG"], out _)!;

        Assert.Equal(CheckKind.SendExpect, check.Kind);
        Assert.Equal("PING\r\n"u8.ToArray(), check.Send.ToArray());
        Assert.Equal("+PONG"u8.ToArray(), check.Expect.ToArray());
    }

    [Fact]
    public void Parse_HttpStatus_DefaultsTo2xxAnd3xx()
    {
        var check = HealthCheck.Parse(["http", "/"], out _)!;

        Assert.True(check.Passes(200));
        Assert.True(check.Passes(399));
        Assert.False(check.Passes(199));
        Assert.False(check.Passes(503));
    }

    [Theory]
    [InlineData("", "missing check kind")]
    [InlineData("udp", "unknown check kind 'udp'")]
    [InlineData("tcp extra", "bad arguments for 'tcp'")]
    [InlineData("http", "bad arguments for 'http'")]
    [InlineData("http health", "bad http path 'health'")]
    [InlineData("http / 99", "bad http status '99'")]
    [InlineData("http / 600", "bad http status '600'")]
    [InlineData("http / 300-200", "bad http status '300-200'")]
    [InlineData("http / 2xx", "bad http status '2xx'")]
    [InlineData("send PING", "bad arguments for 'send'")]
    [InlineData("send PING reply +PONG", "bad arguments for 'send'")]
    [InlineData("send PING\\q expect +PONG", "unknown escape '\\q'")]
    [InlineData("send PING\\x4 expect +PONG", "unknown escape '\\x'")]
    [InlineData("send PING expect +PONG\\", "lone backslash")]
    public void Parse_BadWords_SayWhy(string words, string reason)
    {
        var check = HealthCheck.Parse(words.Split(' ', StringSplitOptions.RemoveEmptyEntries), out var error);

        Assert.Null(check);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
