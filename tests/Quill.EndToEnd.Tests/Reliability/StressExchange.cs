using Quill.EndToEnd.Tests.Backends;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// The client side of one stress connection: sends the header and its bytes and reads the reply in the plan's order,
/// with random write and read sizes and pauses, then compares each direction's digests with the backend's record.
/// </summary>
internal static class StressExchange
{
    public static async Task<ExchangeOutcome> RunAsync(StressRig rig, ExchangePlan plan)
    {
        using var timeout = new CancellationTokenSource(StressSettings.ConnectionTimeout);
        try
        {
            await using var client = await rig.ConnectAsync(timeout.Token).ConfigureAwait(false);
            var writes = new TransferShape(plan.UpSeed ^ 0x5EED, plan.PausePercent);
            var reads = new TransferShape(plan.UpSeed ^ 0x2EAD, plan.PausePercent);
            Task<TransferDigest> Receive() => ShapedTransfer.ReceiveAsync(client.Stream, reads, timeout.Token);

            if (plan.Empty)
            {
                await client.HalfCloseAsync().ConfigureAwait(false);
                // The backend counts it among its empty connections; the campaign compares that count.
                var nothing = TransferDigest.Nothing;
                return Judge(plan, nothing, nothing, nothing, await Receive().ConfigureAwait(false));
            }

            await ShapedTransfer.WriteAsync(client.Stream, plan.Header, writes, timeout.Token).ConfigureAwait(false);
            Task<TransferDigest> Send() =>
                ShapedTransfer.SendAsync(client.Stream, plan.UpLength, plan.UpSeed, writes, client.HalfCloseAsync, timeout.Token);
            TransferDigest sent, received;
            switch (plan.Order)
            {
                case ExchangeOrder.ClientFirst:
                    sent = await Send().ConfigureAwait(false);
                    received = await Receive().ConfigureAwait(false);
                    break;
                case ExchangeOrder.ServerFirst:
                    received = await Receive().ConfigureAwait(false);
                    sent = await Send().ConfigureAwait(false);
                    break;
                default:
                    var sending = Send();
                    received = await Receive().ConfigureAwait(false);
                    sent = await sending.ConfigureAwait(false);
                    break;
            }
            var record = await rig.Backend.RecordAsync(plan.Id).WaitAsync(timeout.Token).ConfigureAwait(false);
            return Judge(plan, sent, record.Received, record.Sent, received);
        }
        catch (Exception e)
        {
            return new ExchangeOutcome(ExchangeVerdict.Failed, 0, 0, $"{plan}: {e.GetType().Name}: {e.Message}");
        }
    }

    private static ExchangeOutcome Judge(
        ExchangePlan plan, TransferDigest sentUp, TransferDigest receivedUp, TransferDigest sentDown, TransferDigest receivedDown)
    {
        var verdict = (Direction(sentUp, receivedUp), Direction(sentDown, receivedDown)) switch
        {
            (ExchangeVerdict.Truncated, _) or (_, ExchangeVerdict.Truncated) => ExchangeVerdict.Truncated,
            (ExchangeVerdict.Mismatched, _) or (_, ExchangeVerdict.Mismatched) => ExchangeVerdict.Mismatched,
            _ when sentUp.Length != plan.UpLength || sentDown.Length != plan.DownLength => ExchangeVerdict.Mismatched,
            _ => ExchangeVerdict.Exact,
        };
        var problem = verdict == ExchangeVerdict.Exact ? null
            : $"{plan}: up {receivedUp.Length} of {sentUp.Length} bytes arrived, down {receivedDown.Length} of {sentDown.Length}";
        return new ExchangeOutcome(verdict, receivedUp.Length, receivedDown.Length, problem);
    }

    private static ExchangeVerdict Direction(TransferDigest sent, TransferDigest received) =>
        received.Length < sent.Length ? ExchangeVerdict.Truncated
        : received.Matches(sent) ? ExchangeVerdict.Exact
        : ExchangeVerdict.Mismatched;
}
