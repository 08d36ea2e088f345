using System.Diagnostics;
using Quill.EndToEnd.Tests.Connections;

namespace Quill.EndToEnd.Tests.Faults;

/// <summary>
/// A network namespace made for one test, with only loopback, where <see cref="DroppedAddress"/> is routed out of
/// lo without being local: its SYNs go out and are dropped, so a connect to it neither succeeds nor fails.
/// </summary>
internal sealed class SynDropNamespace : IDisposable
{
    public const string DroppedAddress = "10.99.0.1";
    private static int _count;

    private SynDropNamespace(string name) => Name = name;

    public string Name { get; }

    public static SynDropNamespace Create()
    {
        var made = new SynDropNamespace($"qdrop{Environment.ProcessId % 100000}x{Interlocked.Increment(ref _count)}");
        try
        {
            Ip("netns", "add", made.Name);
            Ip("-n", made.Name, "link", "set", "lo", "up");
            Ip("-n", made.Name, "route", "add", "10.99.0.0/24", "dev", "lo");
            return made;
        }
        catch
        {
            made.Dispose();
            throw;
        }
    }

    private static void Ip(params string[] arguments)
    {
        using var ip = Process.Start(TransparentNetwork.Ip, arguments);
        if (!ip.WaitForExit(TimeSpan.FromSeconds(10)) || ip.ExitCode != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed");
    }

    public void Dispose()
    {
        using var ip = Process.Start(TransparentNetwork.Ip, ["netns", "del", Name]);
        ip.WaitForExit(TimeSpan.FromSeconds(10));
    }
}
