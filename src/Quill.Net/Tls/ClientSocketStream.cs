using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Quill.Net.Tls;

/// <summary>
/// The TLS client's socket under its SslStream: a NetworkStream whose relay reads (those without a cancellation token)
/// report a connection the client reset as the end of the stream, with <see cref="WasReset"/> set, instead of
/// throwing. TLS clients often close with bytes unread (openssl s_time after each request, browsers closing tabs), so
/// the reset is the ordinary end of a TLS connection; NetworkStream made a SocketException and an IOException of each,
/// whose stack traces NativeAOT formats as text, a tenth of quill's CPU per handshake (bench/results/tls-profile.md).
/// Reads with a token (the handshake's, which has a time limit) stay NetworkStream's.
/// </summary>
internal sealed class ClientSocketStream(Socket socket) : NetworkStream(socket, ownsSocket: true)
{
    private Receiver? _receiver;

    /// <summary>Whether a read ended because the client reset the connection.</summary>
    public bool WasReset { get; private set; }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.CanBeCanceled) return base.ReadAsync(buffer, cancellationToken);
        return (_receiver ??= new Receiver(this)).ReceiveAsync(Socket, buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _receiver?.Dispose();
    }

    /// <summary>One receive at a time (SslStream never reads twice at once), reused for every read.</summary>
    private sealed class Receiver(ClientSocketStream owner) : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true), IValueTaskSource<int>
    {
        private ManualResetValueTaskSourceCore<int> _core;

        public ValueTask<int> ReceiveAsync(Socket socket, Memory<byte> buffer)
        {
            _core.Reset();
            SetBuffer(buffer);
            if (socket.ReceiveAsync(this)) return new ValueTask<int>(this, _core.Version);
            return new ValueTask<int>(Outcome());
        }

        protected override void OnCompleted(SocketAsyncEventArgs e)
        {
            try
            {
                _core.SetResult(Outcome());
            }
            catch (IOException failure)
            {
                _core.SetException(failure);
            }
        }

        /// <exception cref="IOException">Any failure but a reset, as NetworkStream reports it.</exception>
        private int Outcome()
        {
            var (error, transferred) = (SocketError, BytesTransferred);
            try
            {
                SetBuffer(Memory<byte>.Empty);
            }
            catch (ObjectDisposedException)
            {
                // The stream disposed while this read was pending (quill closing the connection) disposed these
                // arguments, and the buffer with them. Thrown from here it would end the process: the completion
                // runs on a thread-pool thread.
            }
            switch (error)
            {
                case SocketError.Success:
                    return transferred;
                case SocketError.ConnectionReset:
                    owner.WasReset = true;
                    return 0;
                default:
                    var failure = new SocketException((int)error);
                    throw new IOException($"Unable to read data from the transport connection: {failure.Message}.", failure);
            }
        }

        public int GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
