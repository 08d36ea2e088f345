using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>What an initial pick may look at for one new connection.</summary>
/// <param name="Client">The client's address key.</param>
/// <param name="ClientPort">The client's source port (hashed in with -r).</param>
/// <param name="StoredServer">The client's server from the table; a returning client may pass a soft limit.</param>
/// <param name="Context">Flags, time and blacklist time of this decision.</param>
internal readonly record struct PickRequest(ClientKey Client, int ClientPort, int StoredServer, SelectionContext Context);
