using Microsoft.Win32.SafeHandles;
using Quill.Core.Configuration;
using Quill.Core.Status;
using Quill.Net.Diagnostics;
using Quill.Operations;

namespace Quill.Diagnostics;

/// <summary>
/// pen's debug output, filtered by the -d level: on stderr (quill -f) as pen's "YYYY-MM-DD HH:MM:SS: message", or
/// with the severity first (stderr_format), and in the daemon to syslog (ident quill, syslog_facility, user unless
/// chosen). Each message carries a severity (<see cref="Severity"/>).
/// </summary>
internal sealed class DebugLog(int level, TimeProvider time) : IDebugLog
{
    private readonly Lock _gate = new();

    /// <summary>
    /// Descriptor 2 itself, not Console.Error: Console opens descriptors (dups of 1 and 2) on its first write, and
    /// a first write when descriptors have run out would throw exactly when there is something to say.
    /// </summary>
    private readonly StreamWriter _stderr = new(new FileStream(new SafeFileHandle(2, ownsHandle: false), FileAccess.Write, bufferSize: 0))
    {
        AutoFlush = true,
    };

    /// <summary>What stderr is, looked at once: the systemd journal gets the short format unless another is chosen.</summary>
    private readonly StderrFormat _stderrDefault = JournalStream.IsStderr() ? StderrFormat.Short : StderrFormat.Pen;

    public int Level { get; set; } = level;

    /// <summary>True for the daemon, which has no terminal: messages go to syslog.</summary>
    public bool ToSyslog { get; set; }

    /// <summary>syslog_facility: the facility code of syslog records.</summary>
    public int Facility { get; set; } = SyslogFacility.User;

    /// <summary>stderr_format as chosen; null lets quill choose by what stderr is.</summary>
    public StderrFormat? StderrFormatChoice { get; set; }

    public StderrFormat StderrFormat => StderrFormatChoice ?? _stderrDefault;

    public bool IsEnabled(int messageLevel) => Level >= messageLevel;

    /// <summary>The last level-0 messages (failures and warnings), for the live status page.</summary>
    public RecentErrors Errors { get; } = new();

    public void Write(int messageLevel, string message)
    {
        if (!IsEnabled(messageLevel)) return;
        if (messageLevel == 0) Errors.Add(time.GetUtcNow(), message);
        Emit(Severity.OfLevel(messageLevel), message);
    }

    /// <summary>A level-0 message that reports rather than warns (USR1 statistics, a takeover).</summary>
    public void Notice(string message) => Emit(Severity.Notice, message);

    /// <summary>The one-line reason quill stops with exit status 1: "quill: " and the message, at severity error,
    /// on stderr whatever -d says (the daemon's starting command shows it) and, in the daemon, to syslog as pen does.</summary>
    public void Fatal(string message)
    {
        var line = $"quill: {message}";
        if (ToSyslog) Syslog.Write(Facility, Severity.Error, line);
        lock (_gate) _stderr.WriteLine(StderrFormat == StderrFormat.Pen ? line : $"<{Severity.Error}>{line}");
    }

    private void Emit(int severity, string message)
    {
        if (ToSyslog)
        {
            Syslog.Write(Facility, severity, message);
            return;
        }

        var format = StderrFormat;
        var stamp = format == StderrFormat.Short
            ? ""
            : time.GetLocalNow().ToString("yyyy-MM-dd HH:mm:ss: ", System.Globalization.CultureInfo.InvariantCulture);
        // pen's line is written as it comes; with a severity, every line carries its own (the journal reads lines).
        var text = format == StderrFormat.Pen ? stamp + message : string.Join('\n', message.Split('\n').Select(line => $"<{severity}>{stamp}{line}"));
        lock (_gate) _stderr.WriteLine(text);
    }
}
