namespace Quill.Net.Connections;

/// <summary>
/// Makes the server side of one connection, for its <see cref="ConnectionLifecycle"/>: one implementation per transport
/// (the event loop, .NET sockets, UDP). Each request ends in exactly one report to the lifecycle,
/// <see cref="ConnectionLifecycle.Connected"/> or <see cref="ConnectionLifecycle.ConnectFailed"/>, possibly before
/// <see cref="Connect"/> returns.
/// </summary>
public interface IUpstreamConnector
{
    void Connect(in ConnectRequest request);
}
