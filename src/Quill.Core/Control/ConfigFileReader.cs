using System.Globalization;
using System.Text;

namespace Quill.Core.Control;

/// <summary>
/// Runs a file of penctl commands (-F, include, SIGHUP): one command per line, '#' lines are comments. Every line
/// runs even after a refused one, as pen does; each refusal is reported as "FILE:LINE: reply". By hand for pen
/// compatibility: the format is penctl's, which no configuration library reads.
/// </summary>
public static class ConfigFileReader
{
    /// <summary>The result of one file: the replies of the commands, and the refusals with file and line.</summary>
    public sealed record Outcome(string Replies, IReadOnlyList<string> Errors);

    /// <exception cref="IOException">When the file cannot be read (also <see cref="UnauthorizedAccessException"/>).</exception>
    public static Outcome Run(PenctlDispatcher dispatcher, string path)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(path);
        var replies = new StringBuilder();
        var errors = new List<string>();
        var number = 0;
        var fullPath = Path.GetFullPath(path);
        lock (dispatcher.Gate)
        {
            var reading = dispatcher.FilesBeingRead.Add(fullPath);
            try
            {
                // Bytes, as pen reads them: no byte order mark decides the encoding (FF FE would make it UTF-16).
                using var reader = new StreamReader(path, Encoding.Latin1, detectEncodingFromByteOrderMarks: false);
                while (reader.ReadLine() is { } line)
                {
                    number++;
                    var reply = dispatcher.Execute(line);
                    if (reply.IsError)
                    {
                        errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}:{number}: {reply.Text.TrimEnd('\n')}"));
                    }
                    else
                    {
                        replies.Append(reply.Text);
                    }
                }
            }
            finally
            {
                if (reading) dispatcher.FilesBeingRead.Remove(fullPath);
            }
        }

        return new Outcome(replies.ToString(), errors);
    }
}
