namespace Quill.Diagnostics;

/// <summary>pen's debug output: "YYYY-MM-DD HH:MM:SS: message" on stderr, filtered by the -d level.</summary>
internal sealed class DebugLog(int level, TimeProvider time)
{
    private readonly Lock _gate = new();

    public int Level { get; set; } = level;

    public bool IsEnabled(int messageLevel) => Level >= messageLevel;

    public void Write(int messageLevel, string message)
    {
        if (!IsEnabled(messageLevel)) return;
        var stamp = time.GetLocalNow().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        lock (_gate) Console.Error.WriteLine($"{stamp}: {message}");
    }
}
