using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Proxy;

/// <summary>
/// accept_proxy checks a v2 header's TLVs, with a real sender's: HAProxy with <c>send-proxy-v2 proxy-v2-options
/// crc32c</c> sends a CRC32C TLV. Its header, captured, passes through quill to the server; the same header with one
/// address byte changed (which only the checksum can tell) is refused, logged and counted, and no server sees it.
/// </summary>
public sealed class ProxyTlvTests
{
    private const byte TypeCrc32c = 0x03;
    private const int Inet4Tlvs = 16 + 12;

    [Security.ToolFact(HaproxyFront.Executable)]
    public async Task HaproxysCrc32c_IsChecked_AHeaderItDoesNotMatchIsRefused()
    {
        var header = await CaptureHaproxyHeaderAsync("proxy-v2-options crc32c");
        Assert.Equal(0x11, header[13]); // TCP over IPv4: the TLVs start after 12 address bytes
        Assert.Contains(TypeCrc32c, TlvTypes(header));

        using var backend = NamedBackend.OnLoopback("s0");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, AcceptProxyTests.OnlyHaproxy, backend.Spec);

        using (var sender = await LoopbackClient.ConnectAsync(listen.Endpoint, HaproxyFront.Source))
        {
            await sender.SendAsync(header);
            Assert.Equal("s0", await LoopbackClient.ReadToEndAsync(sender));
        }

        var bent = header.ToArray();
        bent[16] ^= 0x01; // the client's address
        using (var sender = await LoopbackClient.ConnectAsync(listen.Endpoint, HaproxyFront.Source))
        {
            await sender.SendAsync(bent);
            Assert.True(await LoopbackClient.IsClosedWithinAsync(sender, TimeSpan.FromSeconds(10)));
        }

        quill.SendSignal(PosixNative.SigUsr1);
        Assert.True(await Eventually.TrueAsync(() => quill.StandardError.Contains("proxy_headers_invalid", StringComparison.Ordinal)));
        Assert.Contains("proxy_headers_accepted 1 proxy_headers_invalid 1", quill.StandardError);
        Assert.Contains("PROXY v2 TLV CRC32C does not match the header", quill.StandardError);
        Assert.Equal(1, backend.Accepted);
    }

    /// <summary>The v2 header HAProxy sends on one connection, read off a listener that stands where quill would.</summary>
    private static async Task<byte[]> CaptureHaproxyHeaderAsync(string serverOptions)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var haproxy = await HaproxyFront.StartAsync(((IPEndPoint)listener.LocalEndPoint!).Port, "send-proxy-v2", serverOptions);
        using var client = await LoopbackClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, haproxy.Port));
        await client.SendAsync("x"u8.ToArray());

        using var accepted = await listener.AcceptAsync().WaitAsync(LoopbackClient.OperationTimeout);
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (received.Count < 16 || received.Count < 16 + BinaryPrimitives.ReadUInt16BigEndian(received.ToArray().AsSpan(14)))
        {
            var read = await accepted.ReceiveAsync(buffer).WaitAsync(LoopbackClient.OperationTimeout);
            Assert.NotEqual(0, read);
            received.AddRange(buffer.AsSpan(0, read));
        }

        var length = 16 + BinaryPrimitives.ReadUInt16BigEndian(received.ToArray().AsSpan(14));
        Assert.True(Encoding.ASCII.GetString(received.ToArray(), 0, 12) == "\r\n\r\n\0\r\nQUIT\n", "not a v2 header");
        return received.ToArray()[..length];
    }

    private static List<byte> TlvTypes(byte[] header)
    {
        var types = new List<byte>();
        for (var at = Inet4Tlvs; at + 3 <= header.Length; at += 3 + BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(at + 1)))
            types.Add(header[at]);
        return types;
    }
}
