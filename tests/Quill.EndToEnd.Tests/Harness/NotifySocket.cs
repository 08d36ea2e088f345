using System.Net.Sockets;
using System.Text;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>
/// What systemd listens on for a Type=notify service: a unix datagram socket, bound at a file path or at an abstract
/// name, whose NOTIFY_SOCKET value (the path, or '@' and the name) is given to the process under test.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly string? _path;

    private NotifySocket(string? path, string name, UnixDomainSocketEndPoint endPoint)
    {
        (_path, Name) = (path, name);
        _socket.Bind(endPoint);
    }

    /// <summary>The NOTIFY_SOCKET value.</summary>
    public string Name { get; }

    public static NotifySocket AtPath(string path) => new(path, path, new UnixDomainSocketEndPoint(path));

    public static NotifySocket Abstract()
    {
        var name = $"quill-notify-test-{Guid.NewGuid():N}";
        return new NotifySocket(null, "@" + name, new UnixDomainSocketEndPoint("\0" + name));
    }

    /// <summary>The next datagram as text, or null when none comes within <paramref name="limit"/>.</summary>
    public async Task<string?> ReceiveAsync(TimeSpan limit)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The next datagram, which must come within <paramref name="limit"/>, as its NAME=value lines.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ExpectAsync(TimeSpan limit)
    {
        var text = await ReceiveAsync(limit) ?? throw new TimeoutException($"no notification within {limit.TotalSeconds} s");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "");
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (_path is not null) File.Delete(_path);
    }
}
