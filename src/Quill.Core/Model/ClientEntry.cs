using System.Net;

namespace Quill.Core.Model;

/// <summary>One remembered client, as status pages and the <c>recent</c> command show it.</summary>
/// <param name="Slot">pen's client slot number.</param>
/// <param name="Address">Client IP; null for unix-socket clients.</param>
/// <param name="Last">Time of the client's last connection.</param>
/// <param name="Server">Last server used (a <see cref="ServerIndex"/> value when special or none).</param>
/// <param name="Connects">Connections since the client was (re)entered in the table.</param>
/// <param name="SentToClient">Bytes sent to the client (pen's csx).</param>
/// <param name="ReceivedFromClient">Bytes received from the client (pen's crx).</param>
public readonly record struct ClientEntry(
    int Slot, IPAddress? Address, DateTimeOffset Last, int Server, long Connects,
    long SentToClient, long ReceivedFromClient);
