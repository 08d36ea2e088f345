namespace Quill.Core.Control;

/// <summary>One connection slot as <c>connection N</c> shows it; an unused slot is state 0 with both fds -1.</summary>
/// <param name="State">pen's bits: 1 connecting, 2 connected, 0 unused.</param>
/// <param name="DownFd">Client socket descriptor, -1 when none.</param>
/// <param name="UpFd">Server socket descriptor, -1 when none.</param>
/// <param name="Client">Client table slot.</param>
/// <param name="Server">Server index (a ServerIndex value when special).</param>
/// <param name="Pending">1 while the connect to the server is in progress.</param>
public readonly record struct ConnectionView(int State, long DownFd, long UpFd, int Client, int Server, int Pending)
{
    public static ConnectionView Unused => new(0, -1, -1, 0, 0, 0);
}
