namespace Quill.Core.Configuration;

/// <summary>tcp_fastclose: which side's EOF closes the whole connection at once instead of half-closing it.</summary>
[Flags]
public enum FastClose
{
    Off = 0,
    /// <summary>The server's EOF.</summary>
    Up = 1,
    /// <summary>The client's EOF.</summary>
    Down = 2,
    Both = Up | Down,
}
