using System.Net;
using System.Net.Sockets;
using Quill.Net.Engine;

namespace Quill.Net.Tests.Engine;

public sealed unsafe class SocketAddressCodecTests
{
    [Theory]
    [InlineData("127.0.0.5", 8080, 16)]
    [InlineData("::1", 443, 28)]
    [InlineData("fe80::1%3", 53, 28)]
    public void Encode_ThenDecode_GivesTheAddressAndPortBack(string address, int port, int length)
    {
        var buffer = stackalloc byte[SocketAddressCodec.MaxLength];
        var endPoint = new IPEndPoint(IPAddress.Parse(address), port);

        Assert.Equal(length, SocketAddressCodec.Encode(endPoint, buffer));
        var (decoded, decodedPort) = SocketAddressCodec.Decode(buffer, length);

        Assert.Equal(endPoint.Address, decoded);
        Assert.Equal(port, decodedPort);
    }

    [Fact]
    public void UnixPath_IsEncodedWithItsTerminator_AndDecodesAsNoAddress()
    {
        var buffer = stackalloc byte[SocketAddressCodec.MaxLength];
        var length = SocketAddressCodec.Encode(new UnixDomainSocketEndPoint("/tmp/q.sock"), buffer);

        Assert.Equal(2 + "/tmp/q.sock".Length + 1, length);
        Assert.Equal(1, SocketAddressCodec.FamilyOf(new UnixDomainSocketEndPoint("/tmp/q.sock")));
        Assert.Equal((null, 0), SocketAddressCodec.Decode(buffer, length));
    }

    [Fact]
    public void LongestUnixPath_FitsWithItsTerminator()
    {
        var buffer = stackalloc byte[SocketAddressCodec.MaxLength];
        Assert.Equal(2 + 107 + 1, SocketAddressCodec.Encode(new UnixDomainSocketEndPoint("/" + new string('a', 106)), buffer));
    }
}
