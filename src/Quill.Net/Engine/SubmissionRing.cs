using System.Runtime.InteropServices;
using Quill.Net.Interop;

namespace Quill.Net.Engine;

/// <summary>The per-connection calls a <see cref="SubmissionRing"/> can take over.</summary>
[Flags]
internal enum RingUses
{
    None = 0,
    Accept = 1,
    Connect = 2,
    Close = 4,
}

/// <summary>Told when a request it put on a <see cref="SubmissionRing"/> completes.</summary>
internal interface ICompletionTarget
{
    /// <summary><paramref name="result"/> is the syscall's result or -errno; <paramref name="more"/>: a multishot
    /// request stays armed and will complete again.</summary>
    void OnCompletion(int result, bool more);
}

/// <summary>
/// One io_uring per event loop, for the per-connection calls (connect, accept, close): requests queue here during a
/// turn and go to the kernel in one io_uring_enter at its end, instead of one syscall each. Completions are read
/// from the shared ring after every epoll_wait; the ring's descriptor sits in the loop's epoll set so a completion
/// wakes the loop. Loop thread only.
/// </summary>
internal sealed unsafe class SubmissionRing : IDisposable
{
    private const uint Entries = 256;

    /// <summary>Requests whose completion nobody waits for (a cancel that found nothing).</summary>
    private const ulong Unwatched = ulong.MaxValue;

    private const uint SqCqOverflow = 1 << 1;

    /// <summary>The kernel copies a connect's address when it takes the request; until then it waits here, one slot per
    /// submission-queue entry.</summary>
    private const int AddressSlot = 128;

    private readonly int _fd;
    private readonly byte* _rings;
    private readonly nuint _ringsLength;
    private readonly byte* _sqes;
    private readonly byte* _addresses;
    private readonly uint* _sqTail;
    private readonly uint* _sqHead;
    private readonly uint* _sqFlags;
    private readonly uint _sqMask;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly byte* _cqes;
    private readonly List<ICompletionTarget?> _targets = [];
    private readonly List<uint> _generations = [];
    private readonly Stack<int> _free = new();
    private uint _queued;

    private SubmissionRing(int fd, byte* parameters, RingUses uses)
    {
        _fd = fd;
        Uses = uses;
        var sqEntries = *(uint*)parameters;
        var cqEntries = *(uint*)(parameters + 4);
        var features = *(uint*)(parameters + 20);
        var sq = parameters + 40;
        var cq = parameters + 80;
        if ((features & Libc.IoUringFeatSingleMmap) == 0) throw new PlatformNotSupportedException("io_uring without IORING_FEAT_SINGLE_MMAP (kernel before 5.4)");
        _ringsLength = Math.Max(*(uint*)(sq + 24) + sqEntries * 4, *(uint*)(cq + 20) + cqEntries * (uint)Libc.IoUringCqeSize);
        _rings = Libc.MapRing(fd, _ringsLength, Libc.IoUringOffSqRing);
        _sqes = Libc.MapRing(fd, sqEntries * (uint)Libc.IoUringSqeSize, Libc.IoUringOffSqes);
        if (_rings is null || _sqes is null) throw new InvalidOperationException("mmap of the io_uring rings failed");
        _sqHead = (uint*)(_rings + *(uint*)sq);
        _sqTail = (uint*)(_rings + *(uint*)(sq + 4));
        _sqMask = *(uint*)(_rings + *(uint*)(sq + 8));
        // The kernel takes entries through an index array: make it the identity once, so entry i is slot i.
        _sqFlags = (uint*)(_rings + *(uint*)(sq + 16));
        var array = (uint*)(_rings + *(uint*)(sq + 24));
        for (uint i = 0; i < sqEntries; i++) array[i] = i;
        _cqHead = (uint*)(_rings + *(uint*)cq);
        _cqTail = (uint*)(_rings + *(uint*)(cq + 4));
        _cqMask = *(uint*)(_rings + *(uint*)(cq + 8));
        _cqes = _rings + *(uint*)(cq + 20);
        _addresses = (byte*)NativeMemory.AllocZeroed(sqEntries * AddressSlot);
    }

    /// <summary>Which of the per-connection calls go through this ring (the others stay plain syscalls).</summary>
    public RingUses Uses { get; }

    /// <summary>The ring's descriptor, for the loop's epoll set.</summary>
    public int Fd => _fd;

    /// <summary>A ring, or null with the reason when this kernel or its settings do not allow one.</summary>
    public static SubmissionRing? TryCreate(RingUses uses, out string? why)
    {
        var parameters = stackalloc byte[Libc.IoUringParamsSize];
        new Span<byte>(parameters, Libc.IoUringParamsSize).Clear();
        // A request the kernel cannot even prepare fails alone, instead of ending the batch (5.18 and later).
        // COOP_TASKRUN: a completion's task work waits for the loop's next syscall instead of interrupting it.
        *(uint*)(parameters + 8) = Libc.IoUringSetupSubmitAll | Libc.IoUringSetupCoopTaskrun;
        var fd = Libc.IoUringSetup(Entries, parameters);
        if (fd < 0)
        {
            why = $"io_uring_setup failed: {ErrnoText.Describe(-fd)}";
            return null;
        }
        try
        {
            why = null;
            return new SubmissionRing(fd, parameters, uses);
        }
        catch (Exception e) when (e is InvalidOperationException or PlatformNotSupportedException)
        {
            Libc.Close(fd);
            why = e.Message;
            return null;
        }
    }

    /// <summary>Closes <paramref name="fd"/> at the end of the turn; nothing reports back unless it fails.</summary>
    public void Close(int fd)
    {
        var sqe = Next();
        sqe[0] = Libc.IoUringOpClose;
        sqe[1] = Libc.IoSqeCqeSkipSuccess;
        *(int*)(sqe + 4) = fd;
        *(ulong*)(sqe + 32) = Unwatched;
    }

    /// <summary>Connects the non-blocking socket <paramref name="fd"/>; <paramref name="target"/> hears the result.</summary>
    /// <returns>The request, for <see cref="Cancel"/>.</returns>
    public ulong Connect(int fd, byte* address, int length, ICompletionTarget target)
    {
        var sqe = Next(out var index);
        var copy = _addresses + index * AddressSlot;
        Buffer.MemoryCopy(address, copy, AddressSlot, length);
        sqe[0] = Libc.IoUringOpConnect;
        *(int*)(sqe + 4) = fd;
        *(ulong*)(sqe + 8) = (ulong)length;
        *(ulong*)(sqe + 16) = (ulong)copy;
        return *(ulong*)(sqe + 32) = Watch(target);
    }

    /// <summary>Accepts clients of <paramref name="listener"/>, non-blocking, until cancelled or an error: one completion
    /// per client, its descriptor as the result.</summary>
    public ulong AcceptMany(int listener, ICompletionTarget target)
    {
        var sqe = Next();
        sqe[0] = Libc.IoUringOpAccept;
        *(ushort*)(sqe + 2) = Libc.IoUringAcceptMultishot;
        *(int*)(sqe + 4) = listener;
        *(uint*)(sqe + 28) = (uint)(Libc.SockNonBlock | Libc.SockCloexec);
        return *(ulong*)(sqe + 32) = Watch(target);
    }

    /// <summary>Stops a request: its target hears nothing more of it, and the kernel drops it as soon as it can.</summary>
    public void Cancel(ulong request)
    {
        var id = (int)(uint)request;
        if (id >= _targets.Count || _generations[id] != (uint)(request >> 32) || _targets[id] is null) return;
        Forget(id);
        var sqe = Next();
        sqe[0] = Libc.IoUringOpAsyncCancel;
        sqe[1] = Libc.IoSqeCqeSkipSuccess;
        *(int*)(sqe + 4) = -1;
        *(ulong*)(sqe + 16) = request;
        *(ulong*)(sqe + 32) = Unwatched;
    }

    /// <summary>Hands the turn's requests to the kernel (end of a loop turn).</summary>
    public void Submit()
    {
        if (_queued == 0) return;
        var queued = _queued;
        _queued = 0;
        var taken = Libc.IoUringEnter(_fd, queued, 0, 0);
        if (taken < 0) throw new InvalidOperationException($"io_uring_enter failed: {ErrnoText.Describe(-taken)}");
    }

    /// <summary>Tells each target about its completed requests (after epoll_wait).</summary>
    public void Reap(Action<Exception> onError)
    {
        var head = *_cqHead;
        while (head != Volatile.Read(ref *_cqTail))
        {
            var cqe = _cqes + (head & _cqMask) * Libc.IoUringCqeSize;
            var (request, result, flags) = (*(ulong*)cqe, *(int*)(cqe + 8), *(uint*)(cqe + 12));
            Volatile.Write(ref *_cqHead, ++head);
            if (request == Unwatched) continue;
            var id = (int)(uint)request;
            if (_generations[id] != (uint)(request >> 32) || _targets[id] is not { } target) continue;
            var more = (flags & Libc.IoUringCqeFMore) != 0;
            if (!more) Forget(id);
            try
            {
                target.OnCompletion(result, more);
            }
            catch (Exception e)
            {
                onError(e);
            }
        }
        // Completions that found the queue full wait in the kernel until an io_uring_enter asks for events.
        if ((Volatile.Read(ref *_sqFlags) & SqCqOverflow) != 0) _ = Libc.IoUringEnter(_fd, 0, 0, Libc.IoUringEnterGetEvents);
    }

    public void Dispose()
    {
        Libc.Unmap(_sqes, Entries * (uint)Libc.IoUringSqeSize);
        Libc.Unmap(_rings, _ringsLength);
        Libc.Close(_fd);
        NativeMemory.Free(_addresses);
    }

    private ulong Watch(ICompletionTarget target)
    {
        int id;
        if (_free.Count > 0) id = _free.Pop();
        else
        {
            id = _targets.Count;
            _targets.Add(null);
            _generations.Add(0);
        }
        _targets[id] = target;
        return ((ulong)_generations[id] << 32) | (uint)id;
    }

    /// <summary>A new generation, so a late completion of the old request is not taken for the next one's.</summary>
    private void Forget(int id)
    {
        _targets[id] = null;
        _generations[id]++;
        _free.Push(id);
    }

    private byte* Next() => Next(out _);

    /// <summary>The next free submission entry, zeroed; a full queue goes to the kernel first.</summary>
    private byte* Next(out uint index)
    {
        var tail = *_sqTail;
        if (tail - Volatile.Read(ref *_sqHead) >= Entries) Submit();
        index = tail & _sqMask;
        var sqe = _sqes + index * Libc.IoUringSqeSize;
        new Span<byte>(sqe, Libc.IoUringSqeSize).Clear();
        // Published before the entry is filled in, but the kernel reads entries only in io_uring_enter, from this thread.
        Volatile.Write(ref *_sqTail, tail + 1);
        _queued++;
        return sqe;
    }
}
