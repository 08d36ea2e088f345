using System.Net;
using Quill.Core.Configuration;
using Quill.Net.Forwarding;

namespace Quill.Hosting;

/// <summary>The per-connection socket settings and lifetime rules the operator chose (pen's connection commands).</summary>
internal sealed record ConnectionTuning(bool NoDelay, bool KeepAlive, IPAddress? Source, ConnectionLifetime? Lifetime)
{
    public static readonly ConnectionTuning Default = new(false, false, null, null);

    public static ConnectionTuning From(QuillOptions options, TimeProvider time) => new(
        options.TcpNoDelay, options.KeepAlive, options.SourceAddress,
        options.IdleTimeoutSeconds > 0 || options.FastClose != FastClose.Off
            ? new ConnectionLifetime(TimeSpan.FromSeconds(options.IdleTimeoutSeconds), options.FastClose) { Time = time }
            : null);
}
