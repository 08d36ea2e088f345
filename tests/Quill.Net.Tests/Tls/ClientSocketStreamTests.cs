using System.Net.Sockets;
using Quill.Net.Tls;

namespace Quill.Net.Tests.Tls;

public sealed class ClientSocketStreamTests
{
    /// <summary>
    /// Quill disposes a TLS client's stream with a relay read pending whenever it ends a connection. The read's
    /// completion then finds its arguments disposed; it used to throw on a thread-pool thread and end the process
    /// (the test host here), as every quill -E stopped under TLS load did.
    /// </summary>
    [Fact]
    public async Task Dispose_WithAReadPending_EndsTheReadAndThrowsNothingElsewhere()
    {
        for (var round = 0; round < 20; round++)
        {
            var (connector, accepted) = await Loopback.ConnectedPairAsync();
            using var _ = connector;
            var stream = new ClientSocketStream(accepted);
            var read = stream.ReadAsync(new byte[16]).AsTask();
            Assert.False(read.IsCompleted);

            stream.Dispose();

            var ended = await Record.ExceptionAsync(() => read.WaitAsync(Loopback.Timeout));
            Assert.True(ended is null or IOException or ObjectDisposedException, ended?.ToString());
        }
        // Completions that threw on the thread pool would have ended the process before this line.
        await Task.Delay(100);
    }

    [Fact]
    public async Task Read_OfAResetConnection_IsTheEndOfTheStream_WithWasResetSet()
    {
        var (connector, accepted) = await Loopback.ConnectedPairAsync();
        using var stream = new ClientSocketStream(accepted);
        var read = stream.ReadAsync(new byte[16]).AsTask();
        connector.LingerState = new LingerOption(true, 0);
        connector.Close();

        Assert.Equal(0, await read.WaitAsync(Loopback.Timeout));
        Assert.True(stream.WasReset);
    }
}
