using Quill.Net.Connections;
using Quill.Net.Interop;

namespace Quill.Net.Engine;

/// <summary>
/// Descriptors held back for the runtime (nginx's and libuv's reserve descriptor, a few of them): when accept finds
/// the process out of descriptors they are given back, so .NET can still start a thread (without one it aborts
/// with "Out of memory") and write the log; accepting resumes only once all are held again, so clients never
/// take the last descriptors.
/// </summary>
internal sealed class DescriptorReserve
{
    private const int Size = 16;

    public static readonly DescriptorReserve Shared = new();

    private readonly Stack<int> _held = new();
    private readonly Lock _gate = new();
    private volatile bool _full;

    private DescriptorReserve() => TryTake();

    /// <summary>False from a release until all are held again: no loop accepts meanwhile.</summary>
    public bool Full => _full;

    /// <summary>Gives every held descriptor back to the process.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _full = false;
            while (_held.Count > 0) Libc.Close(_held.Pop());
        }
    }

    /// <summary>
    /// True when all are held and a connection's descriptors fit beside them (a client accepted into the one free
    /// descriptor would only be refused when its server socket meets EMFILE); otherwise none is kept.
    /// </summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            while (_held.Count < Size + DescriptorBudget.PerConnection)
            {
                var fd = Libc.EventFd();
                if (fd < 0)
                {
                    while (_held.Count > 0) Libc.Close(_held.Pop());
                    return false;
                }
                _held.Push(fd);
            }
            for (var probe = 0; probe < DescriptorBudget.PerConnection; probe++) Libc.Close(_held.Pop());
            _full = true;
            return true;
        }
    }
}
