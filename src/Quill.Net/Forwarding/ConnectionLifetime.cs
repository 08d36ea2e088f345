using Quill.Core.Configuration;

namespace Quill.Net.Forwarding;

/// <summary>When a forwarded connection ends early: pen's idle_timeout and tcp_fastclose.</summary>
/// <param name="IdleTimeout">Close a connection with no data either way for this long; zero = never. As in pen,
/// a half-closed connection is never closed for being idle.</param>
/// <param name="FastClose">Which side's EOF closes the whole connection at once.</param>
public sealed record ConnectionLifetime(TimeSpan IdleTimeout, FastClose FastClose = FastClose.Off)
{
    /// <summary>The clock of the idle timer; tests pass a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
