using Quill.Net.Takeover;

namespace Quill.Hosting;

/// <summary>
/// What a takeover does differently for each transport: TCP hands over its listener and plain relays, UDP its listen
/// socket and sessions. The steps, their order and their failure safety are the same for both
/// (<see cref="TakeoverHandover{TMoved}"/> on the running quill, <see cref="TakeoverClient"/> on the new one).
/// </summary>
/// <typeparam name="TMoved">What one moved connection is, with its sockets.</typeparam>
internal interface ITakeoverTransport<TMoved> where TMoved : IMovedConnection
{
    /// <summary>The message each moved connection travels in.</summary>
    TakeoverMessage MovedKind { get; }

    /// <summary>What moves, for the log ("connections", "sessions").</summary>
    string MovedNoun { get; }

    /// <summary>Running side: the listening socket's descriptor and its address as given.</summary>
    /// <exception cref="IOException">There is none to hand over.</exception>
    (int Descriptor, string Text) Listener { get; }

    /// <summary>Running side: completes when no client is taken from the listener any more; they wait in its queue.</summary>
    Task StopAccepting();

    /// <summary>Running side: the connections that can move now, taken out of this process, and how many more may be
    /// able to soon (still connecting, or leaving the kernel).</summary>
    Task<(List<TMoved> Moved, int Pending)> HandOver();

    /// <summary>Running side, the takeover failed: carries on the connections it had handed and takes clients again.</summary>
    /// <param name="stoppedAccepting">Whether <see cref="StopAccepting"/> had run.</param>
    void TakeBack(bool stoppedAccepting, List<TMoved> handed);

    /// <summary>Running side, the new process has everything: lets go of the listener, which lives on there.</summary>
    void LetGo();

    /// <summary>Running side: what stays here afterwards, for the log.</summary>
    string Staying { get; }

    /// <summary>New side: one moved connection as it came, with its descriptors.</summary>
    /// <exception cref="IOException">Not as many descriptors came as it has sockets.</exception>
    TMoved Read(BinaryReader reader, int[] descriptors);

    /// <summary>Carries on a moved connection here (new side; the running side too, taking back).</summary>
    void Adopt(TMoved moved);
}
