namespace Quill.Fuzz.Tests.Harness;

/// <summary>Checks shared by the targets.</summary>
internal static class Expect
{
    /// <summary>An error the operator sees is one line, unless it quotes a line break the operator typed.</summary>
    public static void OneLine(string message, params IEnumerable<string> typed)
    {
        if (typed.Any(HasLineBreak)) return;
        Assert.False(HasLineBreak(message), $"error on more than one line: {message}");
    }

    private static bool HasLineBreak(string text) => text.AsSpan().IndexOfAny('\r', '\n') >= 0;
}
