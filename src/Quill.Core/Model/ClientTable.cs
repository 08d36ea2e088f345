namespace Quill.Core.Model;

/// <summary>Sticky client table: -c slots keyed by client IP, LRU eviction, -T expiry.</summary>
public sealed class ClientTable
{
    public ClientTable(int capacity, TimeProvider time) => throw new NotImplementedException();
}
