using System.Net.Security;
using System.Reflection;

namespace Quill.Net.Tls;

/// <summary>
/// Sends close_notify on a TLS connection whose other direction may be reading at that moment. SslStream's reads and
/// writes call SSL_read and SSL_write under a lock of the stream (<c>_handshakeLock</c> on .NET 10), but ShutdownAsync
/// calls SSL_shutdown, which reads records too, without it. OpenSSL forbids two calls on one SSL at once; with
/// SSL_MODE_RELEASE_BUFFERS (<see cref="OpenSslIdleBuffers"/>) the two free and reuse the same read buffer, and a relayed
/// upload came out corrupted, same length, when the server's half-close met it mid-record. So the close_notify is made
/// under that same lock, found by reflection as <see cref="OpenSslHandle"/> finds the handle; a runtime without the lock
/// gets a plain ShutdownAsync.
/// </summary>
internal static class TlsCloseNotify
{
    private static readonly PropertyInfo? StreamLock =
        typeof(SslStream).GetProperty("_handshakeLock", BindingFlags.NonPublic | BindingFlags.Instance);

    /// <summary>Whether this runtime's lock was found (a test fails first when a runtime moves it).</summary>
    internal static bool IsSerialized => StreamLock is not null;

    /// <returns>The write of the close_notify record, started under the lock.</returns>
    public static Task SendAsync(SslStream ssl)
    {
        if (StreamLock?.GetValue(ssl) is not { } gate) return ssl.ShutdownAsync();
        lock (gate) return ssl.ShutdownAsync();
    }
}
