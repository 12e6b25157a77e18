using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Kad.Routing;

/// <summary>What <see cref="RoutingTable.TryAdd"/> did.</summary>
internal enum AddOutcome
{
    /// <summary>A new entry.</summary>
    Added,
    /// <summary>Known already: marked as just seen (and its addresses refreshed).</summary>
    Updated,
    /// <summary>Its bucket is full and cannot split: the caller may check the least recently seen entry and evict it.</summary>
    BucketFull,
    /// <summary>Refused by the diversity limits.</summary>
    Diversity,
    /// <summary>Our own id.</summary>
    Self,
}

/// <summary>
/// Kademlia k-buckets on XOR distance from our key, unfolded lazily as the spec describes (go-libp2p-kbucket's
/// layout): bucket <c>i</c> holds the peers sharing exactly <c>i</c> leading bits with us, except the last, which holds
/// every peer at least as close and splits when it overflows. Each bucket keeps its peers from least to most
/// recently seen. Thread-safe.
/// </summary>
public sealed class RoutingTable
{
    private readonly object _lock = new();
    private readonly List<List<Entry>> _buckets = [[]];
    private readonly List<long> _lastLookup = [0];
    private readonly Dictionary<PeerId, Entry> _byPeer = new();
    private readonly DiversityFilter _diversity;
    private readonly TimeProvider _time;

    internal RoutingTable(PeerId local, int bucketSize, DiversityFilter diversity, TimeProvider time)
    {
        Local = local;
        LocalKey = KadKey.FromPeerId(local);
        BucketSize = bucketSize;
        _diversity = diversity;
        _time = time;
    }

    /// <summary>Our own peer id.</summary>
    public PeerId Local { get; }
    /// <summary>Our own key (distances are measured from it).</summary>
    public KadKey LocalKey { get; }
    /// <summary>Peers per bucket at most (k).</summary>
    public int BucketSize { get; }

    /// <summary>Peers in the table.</summary>
    public int Count { get { lock (_lock) return _byPeer.Count; } }

    /// <summary>The peers in the table right now.</summary>
    public IReadOnlyList<PeerId> Peers { get { lock (_lock) return [.. _byPeer.Keys]; } }

    /// <summary>Entries per bucket, from the farthest bucket (index 0) to the nearest.</summary>
    public IReadOnlyList<int> BucketSizes { get { lock (_lock) return [.. _buckets.Select(b => b.Count)]; } }

    /// <summary>True when <paramref name="peer"/> is in the table.</summary>
    public bool Contains(PeerId peer)
    {
        lock (_lock) return _byPeer.ContainsKey(peer);
    }

    /// <summary>The addresses recorded with <paramref name="peer"/> when it was added or last seen.</summary>
    public IReadOnlyList<Multiaddr> AddressesOf(PeerId peer)
    {
        lock (_lock) return _byPeer.TryGetValue(peer, out var e) ? e.Addresses : [];
    }

    /// <summary>Up to <paramref name="count"/> peers closest to <paramref name="target"/>, nearest first.</summary>
    public IReadOnlyList<PeerId> NearestPeers(KadKey target, int count, PeerId? exclude = null)
    {
        lock (_lock)
        {
            var all = new List<Entry>(_byPeer.Count);
            foreach (var e in _byPeer.Values)
                if (e.Peer != exclude) all.Add(e);
            all.Sort((a, b) => target.CompareDistance(a.Key, b.Key));
            return [.. all.Take(count).Select(e => e.Peer)];
        }
    }

    internal AddOutcome TryAdd(PeerId peer, IReadOnlyList<Multiaddr> addresses, out PeerId? leastRecentlySeen)
    {
        leastRecentlySeen = null;
        if (peer == Local) return AddOutcome.Self;
        var key = KadKey.FromPeerId(peer);
        int cpl = key.CommonPrefixLength(LocalKey);
        lock (_lock)
        {
            if (_byPeer.TryGetValue(peer, out var known))
            {
                if (addresses.Count > 0) known.Addresses = addresses;
                TouchLocked(known);
                return AddOutcome.Updated;
            }
            var groups = IpGroups.Of(addresses);
            if (!_diversity.Allows(cpl, groups)) return AddOutcome.Diversity;
            while (true)
            {
                int index = Math.Min(cpl, _buckets.Count - 1);
                var bucket = _buckets[index];
                if (bucket.Count < BucketSize)
                {
                    var entry = new Entry(peer, key, cpl, groups) { Addresses = addresses, LastSeen = _time.GetTimestamp() };
                    bucket.Add(entry);
                    _byPeer[peer] = entry;
                    _diversity.Add(cpl, groups);
                    return AddOutcome.Added;
                }
                if (index == _buckets.Count - 1 && index < KadKey.Bits - 1)
                {
                    SplitLastLocked();
                    continue;
                }
                leastRecentlySeen = bucket[0].Peer;
                return AddOutcome.BucketFull;
            }
        }
    }

    /// <summary>Records that <paramref name="peer"/> answered just now (it moves to the tail of its bucket).</summary>
    internal bool MarkSeen(PeerId peer)
    {
        lock (_lock)
        {
            if (!_byPeer.TryGetValue(peer, out var e)) return false;
            TouchLocked(e);
            return true;
        }
    }

    /// <summary>
    /// Counts a failed request to <paramref name="peer"/>; the peer leaves the table after
    /// <paramref name="limit"/> failures in a row (an answer in between resets the count). True when it left.
    /// </summary>
    internal bool RecordFailure(PeerId peer, int limit)
    {
        lock (_lock)
        {
            if (!_byPeer.TryGetValue(peer, out var e)) return false;
            if (++e.Failures < limit) return false;
        }
        return Remove(peer);
    }

    internal bool Remove(PeerId peer)
    {
        lock (_lock)
        {
            if (!_byPeer.Remove(peer, out var e)) return false;
            _buckets[Math.Min(e.Cpl, _buckets.Count - 1)].Remove(e);
            _diversity.Remove(e.Cpl, e.Groups);
            return true;
        }
    }

    /// <summary>The bucket a key falls in.</summary>
    internal int BucketIndexOf(KadKey key)
    {
        lock (_lock) return Math.Min(key.CommonPrefixLength(LocalKey), _buckets.Count - 1);
    }

    internal int BucketCount { get { lock (_lock) return _buckets.Count; } }

    /// <summary>Notes that a lookup for <paramref name="target"/> ran, which refreshes the bucket it falls in.</summary>
    internal void MarkLookup(KadKey target)
    {
        lock (_lock) _lastLookup[Math.Min(target.CommonPrefixLength(LocalKey), _buckets.Count - 1)] = _time.GetTimestamp();
    }

    /// <summary>Buckets (up to <paramref name="maxCpl"/>) no lookup went through for <paramref name="age"/>.</summary>
    internal IReadOnlyList<int> StaleBuckets(TimeSpan age, int maxCpl)
    {
        lock (_lock)
        {
            var stale = new List<int>();
            for (int i = 0; i < _buckets.Count && i <= maxCpl; i++)
                if (_lastLookup[i] == 0 || _time.GetElapsedTime(_lastLookup[i]) >= age) stale.Add(i);
            return stale;
        }
    }

    private void TouchLocked(Entry e)
    {
        e.LastSeen = _time.GetTimestamp();
        e.Failures = 0;
        var bucket = _buckets[Math.Min(e.Cpl, _buckets.Count - 1)];
        bucket.Remove(e);
        bucket.Add(e);
    }

    // The last bucket keeps the peers with exactly its index of common bits; closer ones go to a new last bucket.
    private void SplitLastLocked()
    {
        int last = _buckets.Count - 1;
        var next = new List<Entry>();
        _buckets[last].RemoveAll(e =>
        {
            if (e.Cpl <= last) return false;
            next.Add(e);
            return true;
        });
        _buckets.Add(next);
        _lastLookup.Add(_lastLookup[last]);
    }

    internal sealed class Entry(PeerId peer, KadKey key, int cpl, IReadOnlyList<string> groups)
    {
        public PeerId Peer { get; } = peer;
        public KadKey Key { get; } = key;
        public int Cpl { get; } = cpl;
        public IReadOnlyList<string> Groups { get; } = groups;
        public IReadOnlyList<Multiaddr> Addresses { get; set; } = [];
        public long LastSeen { get; set; }
        public int Failures { get; set; }
    }
}
