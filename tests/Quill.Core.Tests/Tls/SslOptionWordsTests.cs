using System.Security.Authentication;
using Quill.Core.Tls;
using Xunit;

namespace Quill.Core.Tests.Tls;

public class SslOptionWordsTests
{
    [Fact]
    public void NoTls12_LeavesTls13()
    {
        Assert.Equal(SslProtocols.Tls13, SslOptionWords.Restrict(SslProtocols.Tls12 | SslProtocols.Tls13, SslOptions.NoTls12));
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13,
            SslOptionWords.Restrict(SslProtocols.Tls12 | SslProtocols.Tls13, SslOptions.NoSslV2 | SslOptions.NoTls1 | SslOptions.NoTls11));
    }
}
