using System.Net.Sockets;
using Quill.Net.Interop;

namespace Quill.Net.Health;

/// <summary>The one word a failed check shows for a socket error: "timeout", "refused", "connection-reset"...</summary>
internal static class CheckFailure
{
    public static string Word(SocketError error) => error == SocketError.TimedOut
        ? "timeout"
        : SocketErrorText.Describe(error).Replace(' ', '-');

    public static string Word(int errno) => ErrnoText.ToSocketError(errno) is { } error
        ? Word(error)
        : ErrnoText.Describe(errno).Replace(' ', '-');
}
