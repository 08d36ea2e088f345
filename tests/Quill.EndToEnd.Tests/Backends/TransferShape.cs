namespace Quill.EndToEnd.Tests.Backends;

/// <summary>
/// How one side moves one direction's bytes: write or read sizes drawn log-uniformly between 1 byte and
/// <see cref="MaxChunk"/> (as many tiny ones as large ones), and now and then a pause of a few milliseconds.
/// Reproducible from its seed; one instance per direction, as <see cref="Random"/> is not thread-safe.
/// </summary>
internal sealed class TransferShape(int seed, int pausePercent)
{
    public const int MaxChunk = 256 * 1024;

    private readonly Random _random = new(seed);

    public int NextSize() => (int)Math.Exp(_random.NextDouble() * Math.Log(MaxChunk));

    public Task PauseAsync(CancellationToken cancellation) =>
        pausePercent > 0 && _random.Next(100) < pausePercent
            ? Task.Delay(TimeSpan.FromMilliseconds(_random.Next(1, 4)), cancellation)
            : Task.CompletedTask;
}
