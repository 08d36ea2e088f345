using System.Net;
using System.Net.Sockets;
using Quill.Net.Forwarding;
using Quill.Net.Listening;

namespace Quill.Net.Engine;

/// <summary>
/// The plain-TCP data path: one event-loop thread that accepts clients, connects to servers and relays bytes with
/// direct syscalls (read/send, splice for bulk), the way pen does it in C. The host decides what each client gets;
/// everything it is given runs on the loop thread.
/// </summary>
public sealed class RelayEngine : IDisposable
{
    private readonly EventLoop _loop;
    private readonly ListenerIntake _intake;
    private readonly IdleSweep _idle;

    public RelayEngine(IRelayEngineHost host, int multiAccept, Action<Exception> onError, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(host);
        _loop = new EventLoop(onError, time);
        _intake = new ListenerIntake(_loop, host, Math.Max(1, multiAccept));
        _idle = new IdleSweep(_loop);
    }

    /// <summary>Linux only: the loop is built on epoll, accept4 and splice.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    public void Start() => _loop.Start();

    /// <summary>Accepts from <paramref name="listener"/> (replacing the previous one); from any thread.</summary>
    public void Listen(ConnectionListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _loop.Post(() => _intake.Listen(listener.Handle));
    }

    /// <summary>Runs <paramref name="action"/> on the loop thread.</summary>
    public void Post(Action action) => _loop.Post(action);

    /// <summary>Starts relaying an accepted client to <paramref name="server"/> (loop thread).</summary>
    public Relay Relay(int clientFd, EndPoint server, RelaySettings settings, IRelayOwner owner)
    {
        var relay = new Relay(_loop, PipePool.Shared, _idle, clientFd, settings, owner);
        relay.Start(server);
        return relay;
    }

    /// <summary>A connection ended and the host has room again (loop thread).</summary>
    public void ResumeAccepting() => _intake.Resume();

    /// <summary>Stops accepting (loop thread).</summary>
    public void StopAccepting() => _intake.Detach();

    /// <summary>
    /// Hands an accepted client to .NET's own sockets (TLS, -H, dummy... run there): blocking again, as .NET expects
    /// of a descriptor it did not open.
    /// </summary>
    public static Socket Adopt(int fd)
    {
        LinuxSockets.MakeBlocking(fd);
        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    /// <summary>Closes an accepted client the host turns away.</summary>
    public static void CloseDescriptor(int fd) => LinuxSockets.Close(fd);

    public void Dispose() => _loop.Dispose();
}
