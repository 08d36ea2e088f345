namespace Quill.EndToEnd.Tests.Harness;

/// <summary>
/// Tests that move a lot of data or hold thousands of connections run alone, one after another, so that
/// they neither starve the timing-sensitive tests on a small machine nor disturb each other's counts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyCollection
{
    public const string Name = "Heavy";
}
