namespace Quill.Core.Proxy;

/// <summary>The PROXY protocol commands as they stand: <c>proxy</c> (toward servers), <c>accept_proxy</c> and
/// <c>accept_proxy_timeout</c> (from a front balancer). Read per connection, so a change counts from the next client.</summary>
public sealed class ProxySettings
{
    /// <summary>accept_proxy off.</summary>
    public const int Off = -1;

    public const int DefaultTimeoutMilliseconds = 3000;

    /// <summary>proxy: the header sent to servers that have no <c>server N proxy</c> of their own.</summary>
    public ProxyVersion Default { get; set; }

    /// <summary>accept_proxy: the ACL a sender must pass to announce its client with a header; <see cref="Off"/>: no
    /// header is read, and every client is its own address.</summary>
    public int AcceptAcl { get; set; } = Off;

    /// <summary>accept_proxy_timeout: a sender whose header has not arrived whole by then is closed.</summary>
    public int TimeoutMilliseconds { get; set; } = DefaultTimeoutMilliseconds;
}
