using Quill.Core.Acl;

namespace Quill.Core.Control;

/// <summary><c>acl N permit|deny ...</c> and <c>no acl N</c>.</summary>
internal static class AclCommands
{
    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["acl"] = (d, w) => Apply(d.Context, AclCommandParser.ParseAcl(w[1..]));
        commands["no acl"] = (d, w) => Apply(d.Context, AclCommandParser.ParseNoAcl(w[2..]));
    }

    private static ControlReply Apply(ControlContext context, AclParseResult result)
    {
        if (!result.IsSuccess)
        {
            return ControlReply.Error(result.Error);
        }

        context.Acls.Apply(result.Change);
        return ControlReply.None;
    }
}
