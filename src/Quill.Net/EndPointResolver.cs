using System.Net;
using Quill.Core.Configuration;

namespace Quill.Net;

/// <summary>Turns listen and server specs into socket endpoints (first address, resolved once, like pen).</summary>
public static class EndPointResolver
{
    /// <exception cref="ArgumentException">One line naming the spec when the host cannot be resolved.</exception>
    public static EndPoint ResolveListen(ListenSpec spec) => throw new NotImplementedException();

    /// <exception cref="ArgumentException">One line naming the spec when the host cannot be resolved.</exception>
    public static EndPoint ResolveServer(ServerSpec spec) => throw new NotImplementedException();
}
