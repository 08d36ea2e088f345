namespace Quill.Core.Configuration;

/// <summary>Service names from /etc/services (stub until the command-line work lands).</summary>
public static class EtcServices
{
    public const string DefaultPath = "/etc/services";

    public static Func<string, int?> Load(string path, string protocol) => throw new NotImplementedException();
}
