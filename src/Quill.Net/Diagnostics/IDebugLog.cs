namespace Quill.Net.Diagnostics;

/// <summary>pen's debug output (-d), as the connection code sees it: the host decides where messages go.</summary>
public interface IDebugLog
{
    bool IsEnabled(int messageLevel);

    void Write(int messageLevel, string message);
}
