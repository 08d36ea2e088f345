namespace Quill.Net.Http;

/// <summary>
/// Called once per final HTTP response a server sends (not for 1xx interim answers, except 101), in order.
/// </summary>
/// <returns>The method of the request it answers, as far as the caller knows (a HEAD answer has no body); null if unknown.</returns>
public delegate string? ResponseStatusHandler(int status);
