using System.Net.Sockets;
using Quill.Net.Connections;
using Quill.Net.Engine;
using Quill.Net.Interop;

namespace Quill.Net.Tests.Engine;

public sealed class RelayDirectionTests
{
    [Fact]
    public async Task BulkRead_LimitsTheDestinationsUnsentQueue()
    {
        using var relay = await RelayedPair.OpenAsync();
        relay.Writer.Send(new byte[200 * 1024]);

        relay.PumpWhenReadable();

        Assert.Equal(RelayDirection.BulkUnsentLimit, relay.DestinationUnsentLimit);
    }

    [Fact]
    public async Task SmallMessage_LeavesTheDestinationAsItWas()
    {
        using var relay = await RelayedPair.OpenAsync();
        var before = relay.DestinationUnsentLimit;
        relay.Writer.Send(new byte[100]);

        relay.PumpWhenReadable();

        Assert.Equal(100, relay.Reader.Receive(new byte[200]));
        Assert.Equal(new Traffic(100, 0), relay.Traffic.Total);
        Assert.Equal(before, relay.DestinationUnsentLimit);
    }

    /// <summary>writer → source ⇒ (the direction) ⇒ destination → reader, on loopback TCP.</summary>
    private sealed class RelayedPair : IDisposable
    {
        private readonly Socket _source;
        private readonly Socket _destination;
        private readonly EventLoop _loop = new(e => throw e, TimeProvider.System);
        private readonly PipePool _pipes = new(capacity: 2);
        private readonly RelayEnd _sourceEnd;
        private readonly RelayDirection _direction;

        private RelayedPair(Socket writer, Socket source, Socket destination, Socket reader)
        {
            (Writer, _source, _destination, Reader) = (writer, source, destination, reader);
            _sourceEnd = new RelayEnd((int)source.Handle);
            Traffic = new TrafficCounter(() => { });
            _direction = new RelayDirection(
                _sourceEnd, new RelayEnd((int)destination.Handle), closeOnEof: false, filter: null, observer: null, Traffic, toServer: true);
        }

        public Socket Writer { get; }

        public Socket Reader { get; }

        public TrafficCounter Traffic { get; }

        public int DestinationUnsentLimit =>
            Libc.GetOption((int)_destination.Handle, Libc.IpProtoTcp, Libc.TcpNotSentLowAt);

        public static async Task<RelayedPair> OpenAsync()
        {
            var (writer, source) = await Loopback.ConnectedPairAsync();
            var (destination, reader) = await Loopback.ConnectedPairAsync();
            // Room for the whole bulk message before anything reads it, so the writer's plain Send does not block.
            source.ReceiveBufferSize = 1024 * 1024;
            source.Blocking = false;
            destination.Blocking = false;
            return new RelayedPair(writer, source, destination, reader);
        }

        /// <summary>One pump, as the loop does on a readable edge.</summary>
        public void PumpWhenReadable()
        {
            Assert.True(_source.Poll(TimeSpan.FromSeconds(5), SelectMode.SelectRead), "nothing arrived to relay");
            _sourceEnd.Readable = true;
            Assert.NotEqual(PumpOutcome.Failed, _direction.Pump(_loop, _pipes));
        }

        public void Dispose()
        {
            _direction.Release(_pipes);
            _pipes.Dispose();
            _loop.Dispose();
            foreach (var socket in new[] { Writer, _source, _destination, Reader }) socket.Dispose();
        }
    }
}
