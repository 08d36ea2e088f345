namespace Quill.Net.Engine;

/// <summary>Something registered with an <see cref="EventLoop"/>: a listener or a relayed connection.</summary>
internal interface IEventTarget
{
    /// <summary>epoll reported <paramref name="events"/> for the descriptor registered with <paramref name="tag"/>.</summary>
    void OnEvents(uint events, int tag);

    /// <summary>Work left over from an earlier turn (<see cref="EventLoop.Defer"/>), or a timer tick.</summary>
    void OnTurn();
}
