using System.Text.Json;

namespace Quill.Fuzz.Tests.Harness;

/// <summary>Inputs as they are stored in the corpus, so a failing input printed by a run can be saved as a regression file.</summary>
internal static class Printed
{
    public static string Words(IReadOnlyList<string> words) => JsonSerializer.Serialize(words);

    public static string Bytes(byte[] bytes) => $"base64:{Convert.ToBase64String(bytes)}";
}
