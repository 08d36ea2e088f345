namespace Quill.Core.Model;

/// <summary>pen's special server indices next to the regular 0..N-1.</summary>
public static class ServerIndex
{
    public const int Emergency = -1;
    public const int Abuse = -2;
    public const int None = -3;

    public static bool IsRegular(int index) => index >= 0;
}
