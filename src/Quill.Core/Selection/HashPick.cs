using System.Buffers.Binary;
using System.Net.Sockets;
using Quill.Core.Configuration;
using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>hash mode (-h): pen's address hash, with no availability check (failover handles a dead server).</summary>
internal sealed class HashPick : IInitialPick
{
    public int Pick(ServerState[] servers, in PickRequest request) =>
        servers.Length == 0
            ? ServerIndex.None
            : PenHash(request.Client, request.ClientPort, request.Context.Has(SelectionFlags.RoundRobin), servers.Length);

    /// <summary>
    /// pen's hash as computed on x86, stated explicitly: the IPv4 bytes in network order read as a little-endian
    /// uint32 (127.0.0.1 is 0x0100007F), XORed with the port's network-order bytes read little-endian when
    /// <paramref name="withPort"/> (-r), modulo the number of regular slots. IPv6: the last address byte modulo
    /// the slots. Unix clients: 0.
    /// </summary>
    public static int PenHash(ClientKey client, int clientPort, bool withPort, int serverCount) =>
        client.Family switch
        {
            AddressFamily.InterNetwork => (int)((client.IPv4Native
                ^ (withPort ? BinaryPrimitives.ReverseEndianness((ushort)clientPort) : 0u)) % (uint)serverCount),
            AddressFamily.InterNetworkV6 => client.IPv6LastByte % serverCount,
            _ => 0,
        };
}
