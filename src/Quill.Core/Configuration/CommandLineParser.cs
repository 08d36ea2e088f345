namespace Quill.Core.Configuration;

/// <summary>Parses pen's command line (POSIX getopt, options before the first positional argument).</summary>
public static class CommandLineParser
{
    /// <summary>pen's usage text, adapted to quill.</summary>
    public static string Usage => throw new NotImplementedException();

    /// <param name="args">The arguments after the program name.</param>
    /// <param name="services">Looks up service names such as "http" or "smtp" (/etc/services); null when unknown.</param>
    public static CommandLineResult Parse(IReadOnlyList<string> args, Func<string, int?> services) =>
        throw new NotImplementedException();
}
