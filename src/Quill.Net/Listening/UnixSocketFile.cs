using System.Net.Sockets;

namespace Quill.Net.Listening;

/// <summary>
/// How a listening unix socket gets its path: bound under a name of its own beside it (PATH.PID) and renamed onto the
/// path once it listens, replacing what was there, as pen replaces it. A client never finds the path missing meanwhile,
/// and .NET, which unlinks the name a socket was bound to when the socket is disposed, never removes the path itself:
/// a process whose listeners were taken over (--takeover) exits without taking the next process's socket files with
/// it. Removing the path on a clean stop is the listener's own, explicit job.
/// </summary>
public static class UnixSocketFile
{
    /// <param name="prepare">Runs on the bound name before listen(2): its mode and owner, which the rename keeps.</param>
    /// <exception cref="SocketException">The name cannot be bound.</exception>
    /// <exception cref="IOException">The path cannot be replaced.</exception>
    public static void BindAndListen(Socket socket, string path, int backlog, Action<string>? prepare = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var bound = $"{path}.{Environment.ProcessId}";
        File.Delete(bound);
        socket.Bind(new UnixDomainSocketEndPoint(bound));
        try
        {
            prepare?.Invoke(bound);
            socket.Listen(backlog);
            File.Move(bound, path, overwrite: true);
        }
        catch
        {
            File.Delete(bound);
            throw;
        }
    }

    /// <summary>
    /// The path a listener serves, from the name it was bound to (getsockname, as a socket handed over by another
    /// quill tells it): that name less the ".PID" <see cref="BindAndListen"/> added.
    /// </summary>
    public static string PathOf(string boundName)
    {
        ArgumentNullException.ThrowIfNull(boundName);
        var dot = boundName.LastIndexOf('.');
        return dot > 0 && dot < boundName.Length - 1 && !boundName.AsSpan(dot + 1).ContainsAnyExceptInRange('0', '9')
            ? boundName[..dot]
            : boundName;
    }
}
