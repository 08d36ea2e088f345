using System.Net;
using Quill.Core.Configuration;

namespace Quill.Net.Connections;

/// <summary>pen's per-connection commands as they stood when the client was accepted; the same object while they do not change.</summary>
public sealed record ConnectionSettings(
    TimeSpan ConnectTimeout, bool NoDelay, bool KeepAlive, IPAddress? Source, TimeSpan IdleTimeout, FastClose FastClose,
    bool Transparent, bool HttpHeaders);
