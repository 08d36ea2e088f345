using Quill.EndToEnd.Tests.Backends;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// One stress connection, drawn from the campaign seed and its id so that a failure can be replayed: byte counts each
/// way, order, seeds, pauses. Sizes are log-uniform between 0 and the maximum (as many connections of a few bytes as
/// of megabytes, which keeps the total affordable); every hundredth connection is one of the edge cases: empty (nothing
/// at all either way), nothing up and the maximum down, the maximum up and nothing down.
/// </summary>
internal sealed record ExchangePlan(
    int Id, bool Empty, int UpLength, int DownLength, ExchangeOrder Order, int UpSeed, int DownSeed, int PausePercent, byte[] Lead)
{
    private static readonly int[] PausePercents = [0, 0, 1, 10];

    /// <summary>The first bytes the client sends: how its stream begins, then what the backend must do.</summary>
    public byte[] Header => new ExchangeHeader(Id, Order, DownLength, DownSeed, PausePercent).ToBytes(Lead);

    public static ExchangePlan For(int campaignSeed, int id, int maxLength)
    {
        var random = new Random(unchecked(campaignSeed * 1_000_003 + id));
        var (up, down) = (id % 100) switch
        {
            0 => (0, 0),
            1 => (0, maxLength),
            2 => (maxLength, 0),
            _ => (LogUniform(random, maxLength), LogUniform(random, maxLength)),
        };
        return new ExchangePlan(id, id % 100 == 0, up, down, (ExchangeOrder)random.Next(3), random.Next(), random.Next(),
            PausePercents[random.Next(PausePercents.Length)], NonHttpLeads.Draw(random));
    }

    public override string ToString() =>
        $"connection {Id}: {(Empty ? "empty" : $"{UpLength} B up, {DownLength} B down, {Order}")}, pauses {PausePercent} %, " +
        $"lead {Convert.ToHexString(Lead)}";

    /// <summary>Between 0 and M inclusive, uniform in log(length + 1): the mean is about M / ln M (1 MB for 16 MiB).</summary>
    private static int LogUniform(Random random, int maxLength) =>
        (int)Math.Min(maxLength, Math.Exp(random.NextDouble() * Math.Log(maxLength + 2.0)) - 1);
}
