namespace Quill.Core.Acl;

/// <summary>One line of an access list: a pattern and whether a client matching it is let in.</summary>
public abstract record AclEntry(bool Permit)
{
    /// <summary>The penctl command that recreates this entry in ACL <paramref name="aclNumber"/>, as `write` prints it.</summary>
    public abstract string ToCommand(int aclNumber);

    private protected string Verb => Permit ? "permit" : "deny";
}
