namespace Quill.Core.Configuration;

internal enum GetoptOptionKind
{
    /// <summary>A letter from the option string without an argument, e.g. -f.</summary>
    Flag,
    /// <summary>A letter that takes an argument, with its value (-x500 or -x 500).</summary>
    WithValue,
    /// <summary>A letter that takes an argument, but the command line ended first.</summary>
    MissingValue,
    /// <summary>A letter that is not in the option string.</summary>
    Unknown,
    /// <summary>--name, or --name VALUE for the long options that take one.</summary>
    Long,
}

/// <summary>One option as getopt sees it, in command-line order.</summary>
/// <param name="Name">The letter, or the long option's name without "--".</param>
internal readonly record struct GetoptOption(GetoptOptionKind Kind, string Name, string? Value = null)
{
    /// <summary>How the operator wrote it: "-x" or "--demo".</summary>
    public string Display => Kind == GetoptOptionKind.Long || Name.Length > 1 ? "--" + Name : "-" + Name;
}
