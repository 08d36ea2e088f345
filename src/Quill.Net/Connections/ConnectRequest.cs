using System.Net;

namespace Quill.Net.Connections;

/// <summary>Where one connect goes and how.</summary>
/// <param name="Server">The server's index, for messages.</param>
/// <param name="Target">The server's address (TCP, UDP or unix socket).</param>
/// <param name="TransparentFrom">transparent: connect from the client's own IPv4 address; null: from quill's.</param>
/// <param name="Idler">An idle connection already made to this server (idlers), to use instead of connecting.</param>
public readonly record struct ConnectRequest(int Server, EndPoint Target, IPAddress? TransparentFrom, IdleUpstream? Idler);
