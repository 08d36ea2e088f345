using Quill.Net.Takeover;
using Quill.Net.Udp;

namespace Quill.Hosting;

/// <summary>
/// A takeover of a UDP balancer (-U): its listen socket, then every session with its upstream socket. Reading stops
/// here before the sessions move and starts there only after all have (the new process reads once it has said Done),
/// so a client's next datagram always finds its session; datagrams wait in the shared socket meanwhile.
/// </summary>
internal sealed class UdpTakeoverTransport(UdpIntake intake, string listenText) : ITakeoverTransport<MovedSession>
{
    public TakeoverMessage MovedKind => TakeoverMessage.Session;

    public string MovedNoun => "UDP sessions";

    public (int Descriptor, string Text) Listener => (intake.Descriptor, listenText);

    public Task StopAccepting() => intake.PauseReading();

    /// <summary>Every session moves, answered or not: none is left pending.</summary>
    public async Task<(List<MovedSession> Moved, int Pending)> HandOver() => (await intake.HandOverAsync().ConfigureAwait(false), 0);

    public void TakeBack(bool stoppedAccepting, List<MovedSession> handed)
    {
        // The sessions first: a datagram read before its session is back would start another one.
        foreach (var session in handed) intake.Adopt(session);
        if (stoppedAccepting) intake.ResumeReading();
    }

    public void LetGo() => intake.LetGo();

    public string Staying => $"{intake.SessionCount} sessions stay here";

    public MovedSession Read(BinaryReader reader, int[] descriptors) => descriptors.Length == 1
        ? MovedSession.Read(reader, descriptors[0])
        : throw new IOException($"takeover: a UDP session came with {descriptors.Length} descriptors");

    public void Adopt(MovedSession moved) => intake.Adopt(moved);
}
