using Quill.Net.Connections;
using Quill.Net.Takeover;

namespace Quill.Hosting;

/// <summary>A takeover of a TCP balancer: its listener, then its plain relays (both sockets each).</summary>
internal sealed class TcpTakeoverTransport(ListenerSlot listeners, TcpIntake intake) : ITakeoverTransport<MovedRelay>
{
    public TakeoverMessage MovedKind => TakeoverMessage.Relay;

    public string MovedNoun => "connections";

    public (int Descriptor, string Text) Listener =>
        listeners.Current is { } listener ? (listener.Descriptor, listeners.Text ?? "") : throw new IOException("takeover: no listener to hand over");

    public Task StopAccepting() => intake.StopAccepting();

    public Task<(List<MovedRelay> Moved, int Pending)> HandOver() => intake.HandOver();

    public void TakeBack(bool stoppedAccepting, List<MovedRelay> handed)
    {
        if (stoppedAccepting && listeners.Current is { } listener) intake.Listen(listener);
        foreach (var relay in handed) intake.Adopt(relay);
    }

    public void LetGo() => listeners.Current?.Abandon();

    public string Staying => $"{intake.OpenConnections} stay here until they end (--grace)";

    public MovedRelay Read(BinaryReader reader, int[] descriptors) => descriptors.Length == 2
        ? MovedRelay.Read(reader, descriptors[0], descriptors[1])
        : throw new IOException($"takeover: a relay came with {descriptors.Length} descriptors");

    public void Adopt(MovedRelay moved) => intake.Adopt(moved);
}
