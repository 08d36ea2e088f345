using System.Net;
using Quill.Core.Model;

namespace Quill.Core.Peers;

/// <summary>One client's server as the table stored it; the address is unpacked only when sent, off the data path.</summary>
public readonly struct ClientChange
{
    internal ClientChange(ClientKey client, int server)
    {
        Key = client;
        Server = server;
    }

    internal ClientKey Key { get; }

    /// <summary>The client's address (never a unix client: those are not shared).</summary>
    public IPAddress Client => Key.ToAddress()!;

    /// <summary>The server's index in this process's table (peers are told its address).</summary>
    public int Server { get; }
}
