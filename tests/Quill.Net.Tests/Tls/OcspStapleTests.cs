using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Quill.Core.Configuration;
using Quill.Net.Tls;

namespace Quill.Net.Tests.Tls;

public sealed class OcspStapleTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new();
    private readonly List<string> _debug = [];

    private string PathOf(string name) => Path.Combine(_directory.Path, name);

    private static SslStreamCertificateContext NewContext()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        var certificate = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256).CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        var context = SslStreamCertificateContext.Create(certificate, null, offline: true);
        Assert.True(OcspStapling.TryPrepare(context));
        return context;
    }

    private (SslStreamCertificateContext Context, OcspStaple Staple) NewStaple(bool missingIsNormal = false)
    {
        var context = NewContext();
        return (context, new OcspStaple(context, _time, _debug.Add, missingIsNormal));
    }

    [Fact]
    public void Unavailable_OnThisRuntime_IsNull()
    {
        // A .NET update that renames the private fields fails here first, instead of silently stapling nothing.
        Assert.Null(OcspStapling.Unavailable);
    }

    [Fact]
    public void TryPrepare_FreshContext_StaplesNothingYet()
    {
        Assert.Null(OcspStapling.Stapled(NewContext()));
    }

    [Fact]
    public void Refresh_StaplesTheFile_AndSeesAReplacementOnlyAfterASecond()
    {
        var (context, staple) = NewStaple();
        var path = PathOf("ocsp.der");
        File.WriteAllBytes(path, [1, 2, 3]);

        staple.Refresh(path);
        Assert.Equal([1, 2, 3], OcspStapling.Stapled(context));

        File.WriteAllBytes(path, [4, 5, 6, 7]);
        staple.Refresh(path);
        Assert.Equal([1, 2, 3], OcspStapling.Stapled(context));

        _time.Advance(OcspStaple.CheckInterval);
        staple.Refresh(path);
        Assert.Equal([4, 5, 6, 7], OcspStapling.Stapled(context));
        Assert.Equal([$"OCSP response '{path}' stapled (3 bytes)", $"OCSP response '{path}' stapled (4 bytes)"], _debug);
    }

    [Fact]
    public void Refresh_UnchangedFile_IsNotReadOrLoggedAgain()
    {
        var (context, staple) = NewStaple();
        var path = PathOf("ocsp.der");
        File.WriteAllBytes(path, [1, 2, 3]);
        staple.Refresh(path);

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(OcspStaple.CheckInterval);
            staple.Refresh(path);
        }

        Assert.Single(_debug);
        Assert.Equal([1, 2, 3], OcspStapling.Stapled(context));
    }

    [Fact]
    public void Refresh_OtherPathOrNone_CountsAtOnce()
    {
        var (context, staple) = NewStaple();
        var first = PathOf("first.der");
        var second = PathOf("second.der");
        File.WriteAllBytes(first, [1]);
        File.WriteAllBytes(second, [2]);

        staple.Refresh(first);
        staple.Refresh(second);
        Assert.Equal([2], OcspStapling.Stapled(context));
        staple.Refresh(null);
        Assert.Null(OcspStapling.Stapled(context));
    }

    [Theory]
    [InlineData(-1, "not found")]
    [InlineData(0, "is empty")]
    [InlineData(OcspStaple.MaxBytes + 1, "is over 10000 bytes")]
    public void Refresh_MissingEmptyOrTooBig_StaplesNothingAndSaysSoOnce(int size, string problem)
    {
        var (context, staple) = NewStaple();
        var path = PathOf("ocsp.der");
        File.WriteAllBytes(PathOf("good.der"), [9]);
        staple.Refresh(PathOf("good.der"));
        if (size >= 0) File.WriteAllBytes(path, new byte[size]);

        staple.Refresh(path);
        _time.Advance(OcspStaple.CheckInterval);
        staple.Refresh(path);

        Assert.Null(OcspStapling.Stapled(context));
        Assert.Equal($"OCSP response '{path}' {problem}: nothing stapled", _debug[^1]);
        Assert.Equal(2, _debug.Count);
    }

    [Fact]
    public void Refresh_ExactlyTheLimit_IsStapled()
    {
        var (context, staple) = NewStaple();
        var path = PathOf("ocsp.der");
        File.WriteAllBytes(path, new byte[OcspStaple.MaxBytes]);

        staple.Refresh(path);

        Assert.Equal(OcspStaple.MaxBytes, OcspStapling.Stapled(context)?.Length);
    }

    [Fact]
    public void Refresh_MissingWhereThatIsNormal_SaysNothing()
    {
        var (context, staple) = NewStaple(missingIsNormal: true);

        staple.Refresh(PathOf("name.ocsp"));

        Assert.Null(OcspStapling.Stapled(context));
        Assert.Empty(_debug);
    }

    [Fact]
    public void ServerOptions_DefaultAndSniCertificates_StapleTheirOwnFiles()
    {
        using var certificates = new TestCertificates();
        var sni = Directory.CreateDirectory(Path.Combine(certificates.Directory, "sni")).FullName;
        certificates.IssueFiles(sni, "a.test");
        certificates.IssueFiles(sni, "b.test");
        File.WriteAllBytes(Path.Combine(sni, "a.test.ocsp"), [0xA]);
        var file = PathOf("default.der");
        File.WriteAllBytes(file, [0xD]);
        string? setting = null;
        var tls = TlsTermination.Load(
            new TlsOptions { CertificateFile = certificates.CertificateFile, KeyFile = certificates.KeyFile, SniDirectory = sni },
            () => setting, _time, _debug.Add);

        byte[]? StapledFor(string? name) => OcspStapling.Stapled(tls.ServerOptions(name).ServerCertificateContext!);

        Assert.Null(StapledFor(null));
        setting = file;
        Assert.Equal([0xD], StapledFor(null));
        Assert.Equal([0xD], StapledFor("unknown.test"));
        Assert.Equal([0xA], StapledFor("a.test"));
        Assert.Null(StapledFor("b.test"));

        File.WriteAllBytes(Path.Combine(sni, "b.test.ocsp"), [0xB]);
        _time.Advance(OcspStaple.CheckInterval);
        Assert.Equal([0xB], StapledFor("b.test"));
    }

    public void Dispose() => _directory.Dispose();
}
