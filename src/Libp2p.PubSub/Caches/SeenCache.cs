using Libp2p.Host.Resources;

namespace Libp2p.PubSub.Caches;

/// <summary>What <see cref="SeenCache.TryAdd"/> did.</summary>
internal enum SeenResult { Added, Duplicate, NoMemory }

/// <summary>
/// The ids of messages seen recently (go's timecache, "first seen" strategy): an id is remembered for
/// <c>ttl</c> after it was first added, so duplicates within that time are dropped. Bounded: past
/// <c>capacity</c> ids the oldest is forgotten early (a peer flooding unique ids cannot grow it), and each id's bytes
/// are reserved in <c>memory</c> (pubsub's service scope): when that refuses, the oldest sixteenth of the ids is
/// forgotten early and the reservation tried once more; refused again, the id is not added (the message is dropped).
/// Not thread-safe.
/// </summary>
internal sealed class SeenCache(TimeProvider time, TimeSpan ttl, int capacity, IResourceScope? memory = null)
{
    /// <summary>What one id costs beyond its bytes: its dictionary entry, its queue entry, the array object.</summary>
    public const int Overhead = 112;

    private readonly Dictionary<MessageId, long> _expiry = new();
    private readonly Queue<(MessageId Id, long Expiry)> _order = new();
    private readonly long _ttlTicks = (long)(ttl.TotalSeconds * time.TimestampFrequency);

    public int Count => _expiry.Count;

    /// <summary>Bytes reserved for the ids held now.</summary>
    public long ReservedMemory { get; private set; }

    public static long Cost(MessageId id) => id.Length + Overhead;

    public bool Contains(MessageId id)
    {
        Sweep();
        return _expiry.ContainsKey(id);
    }

    /// <summary>Adds <paramref name="id"/>; false when it was already there (a duplicate) or could not be held.</summary>
    public bool Add(MessageId id) => TryAdd(id) == SeenResult.Added;

    /// <summary>Adds <paramref name="id"/>, or says it was a duplicate, or that its memory was refused.</summary>
    public SeenResult TryAdd(MessageId id)
    {
        Sweep();
        if (_expiry.ContainsKey(id)) return SeenResult.Duplicate;
        long cost = Cost(id);
        if (memory is not null && !memory.TryReserveMemory(cost))
        {
            for (int forget = Math.Max(1, _expiry.Count / 16); forget > 0 && _order.Count > 0; forget--) ForgetOldest();
            if (!memory.TryReserveMemory(cost)) return SeenResult.NoMemory;
        }
        ReservedMemory += cost;
        long expiry = time.GetTimestamp() + _ttlTicks;
        _expiry.Add(id, expiry);
        _order.Enqueue((id, expiry));
        while (_expiry.Count > capacity && _order.Count > 0) ForgetOldest();
        return SeenResult.Added;
    }

    public void Sweep()
    {
        long now = time.GetTimestamp();
        while (_order.TryPeek(out var head) && head.Expiry <= now) ForgetOldest();
    }

    /// <summary>Forgets every id (the node is disposed): their memory returns.</summary>
    public void Clear()
    {
        while (_order.Count > 0) ForgetOldest();
    }

    private void ForgetOldest()
    {
        var (id, _) = _order.Dequeue();
        _expiry.Remove(id);
        long cost = Cost(id);
        ReservedMemory -= cost;
        memory?.ReleaseMemory(cost);
    }
}
