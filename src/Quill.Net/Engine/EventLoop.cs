using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Quill.Net.Interop;

namespace Quill.Net.Engine;

/// <summary>
/// One thread and one epoll set, as pen, HAProxy and nginx run: every descriptor is registered once, edge-triggered,
/// and the targets keep their own readiness, so moving bytes costs no epoll_ctl and no thread hand-off. Other
/// threads reach the loop only through <see cref="Post"/>.
/// </summary>
internal sealed unsafe class EventLoop : IDisposable
{
    private const int BatchSize = 256;
    private const ulong WakeData = ulong.MaxValue;

    /// <summary>How often the data path's timed targets (connects in progress, idle timeouts, accept back-off) are looked at.</summary>
    private static readonly TimeSpan DataTick = TimeSpan.FromMilliseconds(50);

    /// <summary>How long <see cref="Soon"/> waits: the shortest epoll_wait timeout.</summary>
    private static readonly TimeSpan SoonDelay = TimeSpan.FromMilliseconds(1);

    private readonly int _epoll;
    private readonly int _wake;
    private readonly Action<Exception> _onError;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<Action> _posted = new();
    private readonly List<IEventTarget?> _targets = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly List<int> _releasedThisTurn = [];
    private readonly List<IEventTarget> _timed = [];
    private List<IEventTarget> _deferred = [];
    private List<IEventTarget> _running = [];
    private List<IEventTarget> _soon = [];
    private List<IEventTarget> _soonRunning = [];
    private long _soonAt;
    private readonly Thread _thread;
    private readonly TimeSpan _tickInterval;
    private int _wakePending;
    private volatile bool _stopping;
    private long _nextTick;

    /// <param name="tick">How often timed targets are looked at; <see cref="DataTick"/> unless said.</param>
    /// <param name="name">The thread's name, as ps and top show it.</param>
    public EventLoop(Action<Exception> onError, TimeProvider time, TimeSpan? tick = null, string name = "quill event loop")
    {
        _onError = onError;
        _time = time;
        _tickInterval = tick ?? DataTick;
        _epoll = Checked(Libc.EpollCreate(), "epoll_create1");
        _wake = Checked(Libc.EventFd(), "eventfd");
        Checked(Libc.EpollAdd(_epoll, _wake, Libc.EpollIn | Libc.EpollEdgeTriggered, WakeData), "epoll_ctl");
        _thread = new Thread(Run) { IsBackground = true, Name = name };
    }

    /// <summary>Scratch memory for one read at a time: only the loop thread uses it, and never across turns.</summary>
    public byte* Scratch { get; } = (byte*)NativeMemory.Alloc(ScratchSize);

    public const int ScratchSize = 64 * 1024;

    /// <summary>Where a filter writes what it makes of one read (loop thread only, emptied before each use).</summary>
    public ArrayBufferWriter<byte> FilterOutput { get; } = new(ScratchSize);

    /// <summary>The loop's clock, in <see cref="TimeProvider"/> timestamps.</summary>
    public long Now => _time.GetTimestamp();

    public long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private bool IsLoopThread => Thread.CurrentThread == _thread;

    public void Start() => _thread.Start();

    /// <summary>Runs <paramref name="action"/> on the loop thread, soon.</summary>
    public void Post(Action action)
    {
        _posted.Enqueue(action);
        if (Interlocked.Exchange(ref _wakePending, 1) == 0) Libc.Signal(_wake);
    }

    /// <summary>Adds <paramref name="fd"/> for input, output and peer shutdown, edge-triggered; returns the slot, or -errno.</summary>
    /// <param name="exclusive">EPOLLEXCLUSIVE, for a listener that several loops share.</param>
    public int Register(int fd, IEventTarget target, int tag, bool output = true, bool exclusive = false)
    {
        var slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : AddSlot();
        var events = Libc.EpollIn | Libc.EpollEdgeTriggered
            | (output ? Libc.EpollOut | Libc.EpollRdHup : 0) | (exclusive ? Libc.EpollExclusive : 0);
        var added = Libc.EpollAdd(_epoll, fd, events, ((ulong)(uint)tag << 32) | (uint)slot);
        if (added < 0)
        {
            _freeSlots.Push(slot);
            return added;
        }
        _targets[slot] = target;
        return slot;
    }

    /// <summary>
    /// From now on wakes for <paramref name="fd"/> only for <paramref name="events"/>, edge-triggered, and a failure
    /// (the kernel moves its bytes: see <see cref="Sockmap.SockmapRelay"/>). 0 or -errno.
    /// </summary>
    public int Rewatch(int fd, int slot, int tag, uint events) =>
        Libc.EpollModify(_epoll, fd, events | Libc.EpollEdgeTriggered, ((ulong)(uint)tag << 32) | (uint)slot);

    /// <summary>Forgets a slot whose descriptor is closed (or removed); events already fetched for it are dropped.</summary>
    public void Release(int slot)
    {
        if (slot < 0) return;
        _targets[slot] = null;
        _releasedThisTurn.Add(slot);
    }

    /// <summary>Takes a descriptor that stays open out of the set (a listener handed back).</summary>
    public void Remove(int fd, int slot)
    {
        _ = Libc.EpollRemove(_epoll, fd);
        Release(slot);
    }

    /// <summary>Calls the target's <see cref="IEventTarget.OnTurn"/> after this turn's events, without waiting for new ones.</summary>
    public void Defer(IEventTarget target) => _deferred.Add(target);

    /// <summary>
    /// Calls the target's <see cref="IEventTarget.OnTurn"/> once, a millisecond from now (or with the next ones due):
    /// for a look at something the kernel is doing that no event will announce, sooner than a tick.
    /// </summary>
    public void Soon(IEventTarget target)
    {
        if (_soon.Count == 0) _soonAt = Now + Ticks(SoonDelay);
        _soon.Add(target);
    }

    /// <summary>Calls the target's <see cref="IEventTarget.OnTurn"/> every tick until <see cref="StopTiming"/>.</summary>
    public void StartTiming(IEventTarget target)
    {
        if (_timed.Count == 0) _nextTick = Now + Ticks(_tickInterval);
        _timed.Add(target);
    }

    public void StopTiming(IEventTarget target) => _timed.Remove(target);

    /// <summary>Ends the loop after the current turn; descriptors are closed by their owners before this.</summary>
    public void Stop()
    {
        _stopping = true;
        Libc.Signal(_wake);
        if (!IsLoopThread && _thread.IsAlive) _thread.Join();
    }

    public void Dispose()
    {
        Stop();
        Libc.Close(_wake);
        Libc.Close(_epoll);
        NativeMemory.Free(Scratch);
    }

    private void Run()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(BatchSize * Libc.EpollEventSize));
        try
        {
            while (!_stopping)
            {
                var ready = Libc.EpollWait(_epoll, events, BatchSize, Timeout());
                for (var i = 0; i < ready; i++)
                {
                    var (mask, data) = Libc.EpollEntry(events, i);
                    if (data == WakeData)
                    {
                        RunPosted();
                        continue;
                    }
                    if (_targets[(int)(uint)data] is { } target) Dispatch(target, mask, (int)(data >> 32));
                }
                RunDeferred();
                if (_soon.Count > 0 && Now >= _soonAt) RunSoon();
                if (_timed.Count > 0 && Now >= _nextTick) RunTimed();
                foreach (var slot in _releasedThisTurn) _freeSlots.Push(slot);
                _releasedThisTurn.Clear();
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }

    private int Timeout()
    {
        if (_deferred.Count > 0 || !_posted.IsEmpty) return 0;
        if (_timed.Count == 0 && _soon.Count == 0) return -1;
        var due = _timed.Count == 0 ? _soonAt : _soon.Count == 0 ? _nextTick : Math.Min(_soonAt, _nextTick);
        var left = due - Now;
        return left <= 0 ? 0 : (int)Math.Ceiling(left * 1000.0 / _time.TimestampFrequency);
    }

    private void RunPosted()
    {
        Libc.Drain(_wake);
        Volatile.Write(ref _wakePending, 0);
        while (_posted.TryDequeue(out var action))
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                _onError(e);
            }
        }
    }

    private void RunDeferred()
    {
        if (_deferred.Count == 0) return;
        (_running, _deferred) = (_deferred, _running);
        foreach (var target in _running) Turn(target);
        _running.Clear();
    }

    private void RunSoon()
    {
        (_soonRunning, _soon) = (_soon, _soonRunning);
        foreach (var target in _soonRunning) Turn(target);
        _soonRunning.Clear();
    }

    private void RunTimed()
    {
        _nextTick = Now + Ticks(_tickInterval);
        // Backwards, so a target that stops timing during its own turn does not make the walk skip one.
        for (var i = _timed.Count - 1; i >= 0; i--)
        {
            if (i < _timed.Count) Turn(_timed[i]);
        }
    }

    private void Dispatch(IEventTarget target, uint mask, int tag)
    {
        try
        {
            target.OnEvents(mask, tag);
        }
        catch (Exception e)
        {
            _onError(e);
        }
    }

    private void Turn(IEventTarget target)
    {
        try
        {
            target.OnTurn();
        }
        catch (Exception e)
        {
            _onError(e);
        }
    }

    private int AddSlot()
    {
        _targets.Add(null);
        return _targets.Count - 1;
    }

    private static int Checked(int result, string call) =>
        result >= 0 ? result : throw new InvalidOperationException($"{call} failed: errno {-result}");
}
