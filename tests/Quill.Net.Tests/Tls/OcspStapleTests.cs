using Microsoft.Extensions.Time.Testing;
using Quill.Net.Tls;

namespace Quill.Net.Tests.Tls;

public sealed class OcspStapleTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new();
    private readonly List<string> _debug = [];

    private string PathOf(string name) => Path.Combine(_directory.Path, name);

    private OcspStaple NewStaple(bool missingIsNormal = false) => new(_time, _debug.Add, missingIsNormal);

    [Fact]
    public void Refresh_StaplesTheFile_AndSeesAReplacementOnlyAfterASecond()
    {
        var staple = NewStaple();
        var path = PathOf("ocsp.der");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.Equal([1, 2, 3], staple.Refresh(path));

        File.WriteAllBytes(path, [4, 5, 6, 7]);
        Assert.Equal([1, 2, 3], staple.Refresh(path));

        _time.Advance(OcspStaple.CheckInterval);
        Assert.Equal([4, 5, 6, 7], staple.Refresh(path));
        Assert.Equal([$"OCSP response '{path}' stapled (3 bytes)", $"OCSP response '{path}' stapled (4 bytes)"], _debug);
    }

    [Fact]
    public void Refresh_UnchangedFile_IsNotReadOrLoggedAgain()
    {
        var staple = NewStaple();
        var path = PathOf("ocsp.der");
        File.WriteAllBytes(path, [1, 2, 3]);
        staple.Refresh(path);

        byte[]? last = null;
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(OcspStaple.CheckInterval);
            last = staple.Refresh(path);
        }

        Assert.Single(_debug);
        Assert.Equal([1, 2, 3], last);
    }

    [Fact]
    public void Refresh_OtherPathOrNone_CountsAtOnce()
    {
        var staple = NewStaple();
        var first = PathOf("first.der");
        var second = PathOf("second.der");
        File.WriteAllBytes(first, [1]);
        File.WriteAllBytes(second, [2]);

        staple.Refresh(first);
        Assert.Equal([2], staple.Refresh(second));
        Assert.Null(staple.Refresh(null));
    }

    [Theory]
    [InlineData(-1, "not found")]
    [InlineData(0, "is empty")]
    [InlineData(OcspStaple.MaxBytes + 1, "is over 10000 bytes")]
    public void Refresh_MissingEmptyOrTooBig_StaplesNothingAndSaysSoOnce(int size, string problem)
    {
        var staple = NewStaple();
        var path = PathOf("ocsp.der");
        File.WriteAllBytes(PathOf("good.der"), [9]);
        staple.Refresh(PathOf("good.der"));
        if (size >= 0) File.WriteAllBytes(path, new byte[size]);

        staple.Refresh(path);
        _time.Advance(OcspStaple.CheckInterval);

        Assert.Null(staple.Refresh(path));
        Assert.Equal($"OCSP response '{path}' {problem}: nothing stapled", _debug[^1]);
        Assert.Equal(2, _debug.Count);
    }

    [Fact]
    public void Refresh_ExactlyTheLimit_IsStapled()
    {
        var staple = NewStaple();
        var path = PathOf("ocsp.der");
        File.WriteAllBytes(path, new byte[OcspStaple.MaxBytes]);

        Assert.Equal(OcspStaple.MaxBytes, staple.Refresh(path)?.Length);
    }

    [Fact]
    public void Refresh_MissingWhereThatIsNormal_SaysNothing()
    {
        var staple = NewStaple(missingIsNormal: true);

        Assert.Null(staple.Refresh(PathOf("name.ocsp")));
        Assert.Empty(_debug);
    }

    public void Dispose() => _directory.Dispose();
}
