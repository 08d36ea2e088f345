using System.Net.Sockets;

namespace Quill.Net.Tests;

/// <summary>A fresh directory for unix socket files, removed with everything in it.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("quill-net-").FullName;

    public UnixDomainSocketEndPoint SocketEndPoint(string name) => new(System.IO.Path.Combine(Path, name));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
