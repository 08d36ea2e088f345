namespace Quill.Net.Connections;

/// <summary>Why a connect failed, as the debug log words it ("connection refused", "timed out"...).</summary>
public readonly record struct ConnectFailure(string Reason);
