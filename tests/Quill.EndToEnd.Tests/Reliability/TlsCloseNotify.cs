using System.Net.Security;
using System.Reflection;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// Sends close_notify on a TLS connection whose other direction may be reading at that moment. SslStream's reads and
/// writes call SSL_read and SSL_write under a lock of the stream (<c>_handshakeLock</c> on .NET 10), but ShutdownAsync
/// calls SSL_shutdown, which reads records too, without it. OpenSSL forbids two calls on one SSL at once, and a
/// stress client that half-closes while it reads the answer would race itself. So the close_notify is made under that
/// same lock, found by reflection; a runtime without the lock gets a plain ShutdownAsync.
/// </summary>
internal static class TlsCloseNotify
{
    private static readonly PropertyInfo? StreamLock =
        typeof(SslStream).GetProperty("_handshakeLock", BindingFlags.NonPublic | BindingFlags.Instance);

    /// <returns>The write of the close_notify record, started under the lock.</returns>
    public static Task SendAsync(SslStream ssl)
    {
        if (StreamLock?.GetValue(ssl) is not { } gate) return ssl.ShutdownAsync();
        lock (gate) return ssl.ShutdownAsync();
    }
}
