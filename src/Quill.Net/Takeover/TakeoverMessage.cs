namespace Quill.Net.Takeover;

/// <summary>The first byte of each message on a takeover channel, in the order they go.</summary>
public enum TakeoverMessage : byte
{
    /// <summary>New → running: "take over from you" (with the protocol's version).</summary>
    Hello = 1,

    /// <summary>Running → new: the listeners (descriptors), the listen address and the runtime configuration.</summary>
    Listeners = 2,

    /// <summary>New → running: accepting from those listeners now; the running one may stop. In UDP mode: ready to
    /// read; the running one stops reading, and the new one reads only once it holds every session (after Done).</summary>
    Accepting = 3,

    /// <summary>Running → new: one relay (its two sockets attached).</summary>
    Relay = 4,

    /// <summary>Running → new, in UDP mode (-U) instead of relays: one session (its upstream socket attached).</summary>
    Session = 7,

    /// <summary>Running → new: the server counters and the client table, after the last relay.</summary>
    State = 5,

    /// <summary>New → running: all taken; the running one lets go of its listeners and drains the rest.</summary>
    Done = 6,
}
