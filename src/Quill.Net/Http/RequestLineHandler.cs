namespace Quill.Net.Http;

/// <summary>
/// Called once per HTTP request seen on a connection, with its request line ("GET /path HTTP/1.1", no line ending),
/// before the request goes to the server. The span is valid only during the call.
/// </summary>
public delegate void RequestLineHandler(ReadOnlySpan<byte> requestLine);
