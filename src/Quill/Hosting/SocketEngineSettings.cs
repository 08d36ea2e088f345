namespace Quill.Hosting;

/// <summary>
/// Runs socket continuations on the runtime's epoll threads instead of handing each one to the thread pool, as pen
/// runs everything on its event loop: a balancer's continuations are short and never block, and the hand-off cost
/// about 30% of the CPU per new-connection request (measured with the native build on one core: 157 → 112 µs).
/// An operator who sets the variable to 0 keeps the thread-pool hand-off.
/// </summary>
internal static class SocketEngineSettings
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Must run before the first socket is created: the runtime reads the variable once.</summary>
    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
    }
}
