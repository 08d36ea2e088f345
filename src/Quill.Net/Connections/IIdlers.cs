using System.Net;

namespace Quill.Net.Connections;

/// <summary>pen's idlers, as a connection's lifecycle uses them: an idle server connection instead of a connect.</summary>
public interface IIdlers
{
    /// <summary>A live idle connection to <paramref name="server"/> at <paramref name="target"/>, or null.</summary>
    IdleUpstream? Take(int server, EndPoint target);
}
