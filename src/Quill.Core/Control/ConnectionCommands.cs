using System.Globalization;

namespace Quill.Core.Control;

/// <summary><c>connection N</c>, <c>close N</c> and <c>socket FD</c>: the connection slots, as in pen.</summary>
internal static class ConnectionCommands
{
    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["connection"] = (d, w) => WithNumber(w, n => Show(d.Context, n));
        commands["close"] = (d, w) => WithNumber(w, n => d.Context.Runtime.CloseConnection(n)
            ? ControlReply.Line($"Forcibly closing connection {n}")
            : OutOfRange(n));
        commands["socket"] = (d, w) => WithNumber(w, fd =>
            ControlReply.Line($"Socket {fd} belongs to connection {d.Context.Runtime.ConnectionOfSocket(fd)}"));
    }

    private static ControlReply WithNumber(string[] words, Func<int, ControlReply> run)
    {
        if (words.Length < 2)
        {
            return ControlReply.Error($"{words[0]}: missing number");
        }

        if (CommandArguments.Extra(words, 2) is { } extra)
        {
            return extra;
        }

        return CommandArguments.TrySigned(words, 1, out var number, out var error) ? run(number) : error;
    }

    private static ControlReply Show(ControlContext context, int id)
    {
        if (context.Runtime.FindConnection(id) is not { } c)
        {
            return OutOfRange(id);
        }

        return new ControlReply(string.Create(CultureInfo.InvariantCulture,
            $"Connection {id}:\nstate = {c.State}\ndownfd = {c.DownFd}, upfd = {c.UpFd}\nclient = {c.Client}, server = {c.Server}\npend = {c.Pending}\n"),
            false);
    }

    private static ControlReply OutOfRange(int id) => ControlReply.Error($"Connection {id} out of range");
}
