namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>How one stress connection ended, judged per direction by comparing the two ends' digests.</summary>
internal enum ExchangeVerdict
{
    /// <summary>Both directions: the same count and the same SHA-256 at both ends.</summary>
    Exact,

    /// <summary>Fewer bytes arrived than were sent, in at least one direction.</summary>
    Truncated,

    /// <summary>As many bytes or more arrived, but not the same ones.</summary>
    Mismatched,

    /// <summary>An error or a timeout before the exchange could be judged (reset, refused, hang).</summary>
    Failed,
}

/// <summary>One connection's verdict, the bytes each way that the receivers counted, and what went wrong if anything.</summary>
internal sealed record ExchangeOutcome(ExchangeVerdict Verdict, long BytesUp, long BytesDown, string? Problem = null);
