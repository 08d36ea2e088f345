using System.Net;
using Quill.EndToEnd.Tests.Backends;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>
/// Long-lived connections of every <see cref="StreamShape"/> through the balancer to a <see cref="StreamingBackend"/>,
/// half of them with lazy readers, held across a takeover and then finished and checked byte for byte.
/// </summary>
internal sealed class HeldStreams : IDisposable
{
    private readonly List<LongLivedStream> _streams = [];

    public int Count => _streams.Count;

    /// <summary>Opens <paramref name="count"/> streams, the shapes in turn; the second half read nothing until finished.</summary>
    /// <param name="firstId">The first stream's id: ids must differ across the sets on one backend.</param>
    public static async Task<HeldStreams> OpenAsync(EndPoint balancer, int count, int firstId = 0)
    {
        var held = new HeldStreams();
        try
        {
            var shapes = Enum.GetValues<StreamShape>();
            for (var i = 0; i < count; i++)
                held._streams.Add(await LongLivedStream.OpenAsync(balancer, firstId + i, shapes[i % shapes.Length], lazyReader: i >= count / 2));
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends the rest, reads everything (after <see cref="StreamingBackend.ReleaseSecondParts"/>), and asserts that each
    /// side got exactly what the other sent.
    /// </summary>
    public async Task FinishByteExactAsync(StreamingBackend backend)
    {
        foreach (var stream in _streams)
        {
            var (sent, received, length) = await stream.FinishAsync().WaitAsync(TimeSpan.FromSeconds(20));
            var (backendReceived, backendSent) = await backend.DigestsAsync(stream.Id).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(sent == backendReceived, $"stream {stream.Id} ({stream.Shape}): the server got other bytes than the client sent");
            Assert.True(backendSent == received, $"stream {stream.Id} ({stream.Shape}): the client got {length} bytes, not what the server sent");
        }
    }

    public void Dispose()
    {
        foreach (var stream in _streams) stream.Dispose();
    }
}
