namespace Quill.Core.Acl;

/// <summary>A parsed `acl N ...` (append <see cref="Entry"/>) or `no acl N` (<see cref="Entry"/> is null: empty the list).</summary>
public sealed record AclChange(int AclNumber, AclEntry? Entry);
