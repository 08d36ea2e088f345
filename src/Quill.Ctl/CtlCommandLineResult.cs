namespace Quill.Ctl;

/// <summary>What quillctl's command line asks for: send a command, print the usage or the version, or fail with one line.</summary>
internal abstract record CtlCommandLineResult
{
    private CtlCommandLineResult() { }

    public sealed record Send(CtlCommandLine CommandLine) : CtlCommandLineResult;
    /// <summary>Printed to stdout with exit 0, as penctl does with too few arguments.</summary>
    public sealed record ShowUsage : CtlCommandLineResult;
    public sealed record ShowVersion : CtlCommandLineResult;
    /// <summary>Message is one line, without the "quillctl: " prefix.</summary>
    public sealed record Error(string Message) : CtlCommandLineResult;
}
