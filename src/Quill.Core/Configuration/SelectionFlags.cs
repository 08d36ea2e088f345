namespace Quill.Core.Configuration;

/// <summary>pen's selection-mode switches, as set by -r -h -s -W -N and the -o mode commands.</summary>
[Flags]
public enum SelectionFlags
{
    None = 0,
    /// <summary>-r / roundrobin: ignore the client table when choosing (and hash with the source port).</summary>
    RoundRobin = 1,
    /// <summary>-h / hash: initial server from pen's address hash.</summary>
    Hash = 2,
    /// <summary>-s / stubborn: never fail over.</summary>
    Stubborn = 4,
    /// <summary>-W / weight: least connections per weight.</summary>
    Weight = 8,
    /// <summary>prio: lowest priority value wins.</summary>
    Prio = 16,
    /// <summary>-N: hash selection without remembering the server in the client table.</summary>
    NoSave = 32,
}
