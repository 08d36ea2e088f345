using System.Net;
using Quill.Net.Connections;

namespace Quill.Net.Takeover;

/// <summary>
/// What a connection's lifecycle tells the next process about it: whose it is, where it goes, what it carried, and
/// what its watchers (-H, the access logs) have seen.
/// </summary>
public readonly record struct HandedOverConnection(IPAddress? Client, int ClientPort, int Server, Traffic Traffic, MovedWatchers Watchers);
