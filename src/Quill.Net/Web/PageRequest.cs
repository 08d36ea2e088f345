namespace Quill.Net.Web;

/// <summary>One GET (or HEAD) request to the web endpoint, as far as quill's pages care.</summary>
/// <param name="Path">The target's path, without the query string.</param>
/// <param name="Query">The query string after '?', or empty.</param>
/// <param name="Accept">The Accept header's value, or empty (content negotiation for /metrics).</param>
public readonly record struct PageRequest(string Path, string Query, string Accept);
