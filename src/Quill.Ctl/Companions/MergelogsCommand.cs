using System.Globalization;
using Quill.Core.Companions;
using Quill.Core.Configuration;

namespace Quill.Ctl.Companions;

/// <summary>quillctl mergelogs -p penlog [-c] [-d] [-j jitter] [-t seconds] server1:logfile1 ...</summary>
internal static class MergelogsCommand
{
    private const string Usage = """
        Usage: quillctl mergelogs -p penlog [-c] [-d] [-j jitter] [-t seconds] server1:logfile1 [server2:logfile2 ...]

          -c                search the whole balancer log for every line (no cache)
          -d                debugging (accepted for pen compatibility)
          -p penlog         log file from quill or pen
          -j jitter         largest time difference in seconds [600]
          -t seconds        seconds the balancer's clock is ahead of UTC
          server:logfile    web server address and name of its log file

        """;

    public static int Run(string[] args)
    {
        var parsed = GetoptTokenizer.Tokenize(args, "p:j:t:cd");
        string? penLog = null;
        long jitter = 600, zone = 0;
        var noCache = false;
        foreach (var option in parsed.Options)
        {
            switch (option.Kind, option.Name)
            {
                case (GetoptOptionKind.WithValue, "p"): penLog = option.Value; break;
                case (GetoptOptionKind.WithValue, "j") when TryNumber(option.Value!, out jitter): break;
                case (GetoptOptionKind.WithValue, "t") when TryNumber(option.Value!, out zone): break;
                case (GetoptOptionKind.WithValue, _): return Fail($"invalid number '{option.Value}' for -{option.Name}");
                case (GetoptOptionKind.Flag, "c"): noCache = true; break;
                case (GetoptOptionKind.Flag, "d"): break;
                default:
                    Console.Out.Write(Usage);
                    return 0;
            }
        }

        if (parsed.Operands.Count == 0)
        {
            Console.Out.Write(Usage);
            return 0;
        }

        if (penLog is null) return Fail("no balancer log given (-p penlog)");
        var readers = new List<TextReader>();
        try
        {
            var penReader = Open(penLog);
            readers.Add(penReader);
            var servers = new List<(string, TextReader)>();
            foreach (var operand in parsed.Operands)
            {
                var colon = operand.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0) return Fail($"bogus server '{operand}': expected server:logfile");
                var reader = Open(operand[(colon + 1)..]);
                readers.Add(reader);
                servers.Add((operand[..colon], reader));
            }

            var merger = new LogMerger(penReader, servers) { JitterSeconds = jitter, ZoneSeconds = zone, NoCache = noCache };
            using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
            merger.Merge(output);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
        finally
        {
            foreach (var reader in readers) reader.Dispose();
        }
    }

    private static StreamReader Open(string path) =>
        File.Exists(path) ? new StreamReader(path) : throw new FileNotFoundException($"cannot open log file '{path}'");

    private static bool TryNumber(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"mergelogs: {message}");
        return 1;
    }
}
