namespace Quill.Core.Configuration;

/// <summary>What the command line asks for: run with options, print help or version, or fail with a one-line error.</summary>
public abstract record CommandLineResult
{
    private CommandLineResult() { }

    public sealed record Run(QuillOptions Options) : CommandLineResult;
    /// <summary>Run the demo: quill in front of two embedded demo backends.</summary>
    public sealed record Demo(QuillOptions Options) : CommandLineResult;
    /// <summary>--check: read the command line and the -F file as a start would, open nothing, report every error.</summary>
    public sealed record Check(QuillOptions Options) : CommandLineResult;
    public sealed record ShowHelp : CommandLineResult;
    public sealed record ShowVersion : CommandLineResult;
    /// <summary>Message is one line naming the offending option or value, without the "quill: " prefix.</summary>
    /// <param name="Checking">True under --check, whose errors exit 1 like a configuration error.</param>
    public sealed record Error(string Message, bool Checking = false) : CommandLineResult;
}
