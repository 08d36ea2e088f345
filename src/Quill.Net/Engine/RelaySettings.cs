using System.Net;
using Quill.Core.Configuration;

namespace Quill.Net.Engine;

/// <summary>pen's per-connection commands as they stood when the client was accepted.</summary>
public sealed record RelaySettings(
    TimeSpan ConnectTimeout, bool NoDelay, bool KeepAlive, IPAddress? Source, TimeSpan IdleTimeout, FastClose FastClose);
