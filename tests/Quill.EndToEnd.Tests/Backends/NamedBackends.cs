namespace Quill.EndToEnd.Tests.Backends;

/// <summary>Servers s0, s1, … on loopback, in the order they are given to the balancer.</summary>
internal sealed class NamedBackends : IDisposable
{
    private readonly NamedBackend[] _backends;

    private NamedBackends(NamedBackend[] backends) => _backends = backends;

    public static NamedBackends Start(int count, bool holdOpen = false) =>
        new(Enumerable.Range(0, count).Select(index => NamedBackend.OnLoopback(NameOf(index), holdOpen: holdOpen)).ToArray());

    public static string NameOf(int index) => $"s{index}";

    public NamedBackend this[int index] => _backends[index];

    public string[] Specs => _backends.Select(backend => backend.Spec).ToArray();

    /// <summary>The specs with a suffix such as ":0:0:3" (soft, hard, weight) appended to each.</summary>
    public string[] SpecsWith(params string[] suffixes) =>
        _backends.Zip(suffixes, (backend, suffix) => backend.Spec + suffix).ToArray();

    public void Dispose()
    {
        foreach (var backend in _backends)
            backend.Dispose();
    }
}
