namespace Quill.Core.Status;

/// <summary>One open connection as pen's status pages show it.</summary>
/// <param name="Slot">Connection number (pen's index in its connection table).</param>
/// <param name="DownFd">The client socket's descriptor.</param>
/// <param name="UpFd">The server socket's descriptor; -1 while connecting.</param>
/// <param name="PendingDown">Bytes received from the server and not yet sent to the client.</param>
/// <param name="PendingUp">Bytes received from the client and not yet sent to the server.</param>
/// <param name="Client">The client's slot in the client table.</param>
/// <param name="Server">The server index (a <c>ServerIndex</c> value when special or none).</param>
public readonly record struct ConnectionView(int Slot, long DownFd, long UpFd, int PendingDown, int PendingUp, int Client, int Server);
