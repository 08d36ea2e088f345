using System.Net;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Net.Forwarding;

namespace Quill.Hosting;

/// <summary>The per-connection socket settings and lifetime rules the operator chose (pen's connection commands).</summary>
internal sealed record ConnectionTuning(bool NoDelay, bool KeepAlive, IPAddress? Source, ConnectionLifetime? Lifetime, bool Transparent = false)
{
    /// <summary>Read for each new connection, so the commands take effect at once.</summary>
    public static ConnectionTuning From(RuntimeSettings settings, TimeProvider time) => new(
        settings.TcpNoDelay, settings.KeepAlive, settings.SourceAddress,
        settings.IdleTimeoutSeconds > 0 || settings.FastClose != FastClose.Off
            ? new ConnectionLifetime(TimeSpan.FromSeconds(settings.IdleTimeoutSeconds), settings.FastClose) { Time = time }
            : null,
        settings.Transparent);
}
