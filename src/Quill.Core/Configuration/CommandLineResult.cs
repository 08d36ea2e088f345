namespace Quill.Core.Configuration;

/// <summary>What the command line asks for: run with options, print help or version, or fail with a one-line error.</summary>
public abstract record CommandLineResult
{
    private CommandLineResult() { }

    public sealed record Run(QuillOptions Options) : CommandLineResult;
    /// <summary>Run the demo: quill in front of two embedded demo backends.</summary>
    public sealed record Demo(QuillOptions Options) : CommandLineResult;
    public sealed record ShowHelp : CommandLineResult;
    public sealed record ShowVersion : CommandLineResult;
    /// <summary>Message is one line naming the offending option or value, without the "quill: " prefix.</summary>
    public sealed record Error(string Message) : CommandLineResult;
}
