using Microsoft.Win32.SafeHandles;
using Quill.Core.Status;
using Quill.Interop;
using Quill.Net.Diagnostics;
using Quill.Operations;

namespace Quill.Diagnostics;

/// <summary>pen's debug output: "YYYY-MM-DD HH:MM:SS: message" on stderr (syslog for the daemon), filtered by the -d level.</summary>
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

    public int Level { get; set; } = level;

    /// <summary>True for the daemon, which has no terminal: messages go to syslog (facility user, ident quill).</summary>
    public bool ToSyslog { get; set; }

    public bool IsEnabled(int messageLevel) => Level >= messageLevel;

    /// <summary>The last level-0 messages (failures and warnings), for the live status page.</summary>
    public RecentErrors Errors { get; } = new();

    public void Write(int messageLevel, string message)
    {
        if (!IsEnabled(messageLevel)) return;
        if (messageLevel == 0) Errors.Add(time.GetUtcNow(), message);
        if (ToSyslog)
        {
            Syslog.Write(Libc.LogDebug, message);
            return;
        }

        var stamp = time.GetLocalNow().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        lock (_gate) _stderr.WriteLine($"{stamp}: {message}");
    }
}
