using System.Globalization;
using Quill.Core.Configuration;

namespace Quill.Core.Health;

/// <summary>
/// One check as the operator wrote it: <c>tcp</c>, <c>http PATH [STATUS]</c> (STATUS a code or a range LOW-HIGH,
/// 200-399 when left out), <c>send STRING expect STRING</c>, or <c>off</c>. Immutable: a command replaces it whole.
/// </summary>
public sealed record HealthCheck
{
    public const int DefaultStatusLow = 200;
    public const int DefaultStatusHigh = 399;

    public static readonly HealthCheck Off = new() { Kind = CheckKind.Off };

    public CheckKind Kind { get; private init; }
    /// <summary>http: the path asked for.</summary>
    public string Path { get; private init; } = "/";
    /// <summary>http: the statuses that pass, inclusive.</summary>
    public int StatusLow { get; private init; } = DefaultStatusLow;
    public int StatusHigh { get; private init; } = DefaultStatusHigh;
    /// <summary>send/expect: the bytes sent on connect, and the prefix the reply must start with.</summary>
    public ReadOnlyMemory<byte> Send { get; private init; }
    public ReadOnlyMemory<byte> Expect { get; private init; }

    /// <summary>Reads the words after <c>check</c>; null with <paramref name="error"/> saying why when they are not a check.</summary>
    public static HealthCheck? Parse(ReadOnlySpan<string> words, out string error)
    {
        error = "";
        switch (words)
        {
            case ["off"]: return Off;
            case ["tcp"]: return new HealthCheck { Kind = CheckKind.Tcp };
            case ["http", var path]: return Http(path, null, out error);
            case ["http", var path, var status]: return Http(path, status, out error);
            case ["send", var send, "expect", var expect]:
                if (!CheckString.TryParse(send, out var sendBytes, out error) || !CheckString.TryParse(expect, out var expectBytes, out error))
                    return null;
                return new HealthCheck { Kind = CheckKind.SendExpect, Send = sendBytes, Expect = expectBytes };
            case []:
                error = "missing check kind (expected tcp, http PATH [STATUS], send STRING expect STRING or off)";
                return null;
            case ["off" or "tcp", ..] or ["http", ..] or ["send", ..]:
                error = $"bad arguments for '{words[0]}' (expected tcp, http PATH [STATUS], send STRING expect STRING or off)";
                return null;
            default:
                error = $"unknown check kind '{words[0]}' (expected tcp, http, send or off)";
                return null;
        }
    }

    /// <summary>The words that <see cref="Parse"/> reads back to this check.</summary>
    public override string ToString() => Kind switch
    {
        CheckKind.Tcp => "tcp",
        CheckKind.Http when StatusLow == DefaultStatusLow && StatusHigh == DefaultStatusHigh => $"http {Path}",
        CheckKind.Http when StatusLow == StatusHigh => string.Create(CultureInfo.InvariantCulture, $"http {Path} {StatusLow}"),
        CheckKind.Http => string.Create(CultureInfo.InvariantCulture, $"http {Path} {StatusLow}-{StatusHigh}"),
        CheckKind.SendExpect => $"send {CheckString.Format(Send.Span)} expect {CheckString.Format(Expect.Span)}",
        _ => "off",
    };

    public bool Passes(int status) => status >= StatusLow && status <= StatusHigh;

    private static HealthCheck? Http(string path, string? status, out string error)
    {
        error = "";
        if (!path.StartsWith('/') || path.Any(c => c <= ' ' || c >= 0x7F))
        {
            error = $"bad http path '{path}' (it starts with / and has no spaces or control characters)";
            return null;
        }

        var (low, high) = (DefaultStatusLow, DefaultStatusHigh);
        if (status is not null && !TryStatus(status, out low, out high))
        {
            error = $"bad http status '{status}' (expected a code 100-599 or a range such as 200-399)";
            return null;
        }

        return new HealthCheck { Kind = CheckKind.Http, Path = path, StatusLow = low, StatusHigh = high };
    }

    private static bool TryStatus(string text, out int low, out int high)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var lowText = dash < 0 ? text : text[..dash];
        var highText = dash < 0 ? text : text[(dash + 1)..];
        high = 0;
        return WholeNumber.TryParse(lowText, out low) && WholeNumber.TryParse(highText, out high)
            && low >= 100 && high <= 599 && low <= high;
    }

    public bool Equals(HealthCheck? other) =>
        other is not null && Kind == other.Kind && Path == other.Path && StatusLow == other.StatusLow
        && StatusHigh == other.StatusHigh && Send.Span.SequenceEqual(other.Send.Span) && Expect.Span.SequenceEqual(other.Expect.Span);

    public override int GetHashCode() => HashCode.Combine(Kind, Path, StatusLow, StatusHigh, Send.Length, Expect.Length);
}
