namespace Libp2p.PubSub.Caches;

/// <summary>
/// The ids of messages seen recently (go's timecache, "first seen" strategy): an id is remembered for
/// <c>ttl</c> after it was first added, so duplicates within that time are dropped. Bounded: past
/// <c>capacity</c> ids the oldest is forgotten early (a peer flooding unique ids cannot grow it). Not thread-safe.
/// </summary>
internal sealed class SeenCache(TimeProvider time, TimeSpan ttl, int capacity)
{
    private readonly Dictionary<MessageId, long> _expiry = new();
    private readonly Queue<(MessageId Id, long Expiry)> _order = new();
    private readonly long _ttlTicks = (long)(ttl.TotalSeconds * time.TimestampFrequency);

    public int Count => _expiry.Count;

    public bool Contains(MessageId id)
    {
        Sweep();
        return _expiry.ContainsKey(id);
    }

    /// <summary>Adds <paramref name="id"/>; false when it was already there (a duplicate).</summary>
    public bool Add(MessageId id)
    {
        Sweep();
        long expiry = time.GetTimestamp() + _ttlTicks;
        if (!_expiry.TryAdd(id, expiry)) return false;
        _order.Enqueue((id, expiry));
        while (_expiry.Count > capacity && _order.TryDequeue(out var oldest))
            _expiry.Remove(oldest.Id);
        return true;
    }

    public void Sweep()
    {
        long now = time.GetTimestamp();
        while (_order.TryPeek(out var head) && head.Expiry <= now)
        {
            _order.Dequeue();
            _expiry.Remove(head.Id);
        }
    }
}
