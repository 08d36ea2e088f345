namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>
/// Every client exchanges datagrams with its session in a loop, one at a time, until stopped: each reply must come
/// (none lost) and from the server the session had at the start. Counts the exchanges and what went wrong.
/// </summary>
internal sealed class UdpExchanges : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;
    private readonly List<string> _failures = [];
    private int _completed;

    /// <param name="servers">The server each client's session goes to.</param>
    public UdpExchanges(IReadOnlyList<UdpSessionClient> clients, IReadOnlyList<string> servers) =>
        _loops = [.. clients.Select((client, i) => Task.Run(() => RunAsync(client, i, servers[i])))];

    public int Completed => Volatile.Read(ref _completed);

    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures) return [.. _failures];
        }
    }

    /// <summary>Waits until <paramref name="more"/> more exchanges have completed (bounded).</summary>
    public async Task WaitForAsync(int more)
    {
        var target = Completed + more;
        Assert.True(await Harness.Eventually.TrueAsync(() => Completed >= target, TimeSpan.FromSeconds(30)),
            $"only {Completed} exchanges of {target}; failures: {string.Join("; ", Failures)}");
    }

    /// <summary>Stops after the exchanges in progress; again: nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    private async Task RunAsync(UdpSessionClient client, int index, string server)
    {
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var datagram = $"c{index}-{n}";
            try
            {
                var answered = await client.ExchangeAsync(datagram);
                if (answered == server) Interlocked.Increment(ref _completed);
                else Fail($"{datagram} answered by {answered}, not by its session's {server}");
            }
            catch (TimeoutException)
            {
                Fail($"{datagram}: no reply within 30 s");
            }
            await Task.Delay(2);
        }
    }

    private void Fail(string why)
    {
        lock (_failures) _failures.Add(why);
    }
}
