namespace Quill.Core.Control;

/// <summary>
/// The start's configuration step, shared by the start, <c>quill --check</c> and the reload's check: the -o commands
/// in order, then the -F file, every refusal collected (a check reports them all, not only the first).
/// </summary>
public static class ConfigCheck
{
    /// <summary>The replies of the accepted commands, and every refusal as "-o 'COMMAND': reply" or "FILE:LINE: reply".</summary>
    public sealed record Outcome(string Replies, IReadOnlyList<string> Errors)
    {
        public bool Succeeded => Errors.Count == 0;
    }

    public static Outcome Run(PenctlDispatcher dispatcher, IReadOnlyList<string> commands, string? file)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(commands);
        var replies = new System.Text.StringBuilder();
        var errors = new List<string>();
        foreach (var command in commands)
        {
            var reply = dispatcher.Execute(command);
            if (reply.IsError) errors.Add($"-o '{command}': {reply.Text.TrimEnd('\n')}");
            else replies.Append(reply.Text);
        }

        if (file is null) return new Outcome(replies.ToString(), errors);
        try
        {
            var outcome = ConfigFileReader.Run(dispatcher, file);
            replies.Append(outcome.Replies);
            errors.AddRange(outcome.Errors);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"-F {file}: {e.Message}");
        }

        return new Outcome(replies.ToString(), errors);
    }
}
