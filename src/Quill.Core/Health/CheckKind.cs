namespace Quill.Core.Health;

/// <summary>What an active health check does: nothing, connect, an HTTP GET, or send a string and expect a reply.</summary>
public enum CheckKind
{
    Off,
    Tcp,
    Http,
    SendExpect,
}
