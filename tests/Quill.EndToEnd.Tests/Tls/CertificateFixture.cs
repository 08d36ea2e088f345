namespace Quill.EndToEnd.Tests.Tls;

/// <summary>One <see cref="CertificateSet"/> for all tests of a class: making RSA keys with openssl takes seconds.</summary>
public sealed class CertificateFixture : IAsyncLifetime
{
    private CertificateSet? _set;

    internal CertificateSet Set => _set ?? throw new InvalidOperationException("certificates not made yet");

    public async Task InitializeAsync()
    {
        Assert.True(OpenSsl.IsInstalled, $"openssl is needed at {OpenSsl.Executable}");
        _set = await CertificateSet.CreateAsync();
    }

    public Task DisposeAsync()
    {
        _set?.Dispose();
        return Task.CompletedTask;
    }
}
