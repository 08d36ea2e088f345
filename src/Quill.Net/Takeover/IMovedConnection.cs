namespace Quill.Net.Takeover;

/// <summary>
/// What one takeover message carries from the running quill to the next: a plain-TCP relay (<see cref="MovedRelay"/>)
/// or a UDP session (<see cref="MovedSession"/>), its sockets attached beside it (SCM_RIGHTS).
/// </summary>
public interface IMovedConnection
{
    /// <summary>The server it is connected to, which keeps its slot for it.</summary>
    int Server { get; }

    /// <summary>Its sockets: descriptors of the process holding the record.</summary>
    int[] Descriptors { get; }

    /// <summary>Closes this process's descriptors of its sockets (sent on, or never to be adopted).</summary>
    void CloseDescriptors();

    /// <summary>The record without its descriptors, which travel beside it.</summary>
    void Write(BinaryWriter writer);
}
