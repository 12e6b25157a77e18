using Libp2p.Host.Resources;
using Libp2p.Identity;

namespace Libp2p.Kad.Providers;

/// <summary>
/// Who provides which key, bounded by <see cref="ProviderStoreLimits"/> (total, per providing peer, per key), each
/// record expiring <see cref="ProviderStoreLimits.Ttl"/> after it was last added. Expired records are skipped when
/// read and dropped by <see cref="Sweep"/> (run hourly, as the spec allows). Each record's bytes (<see cref="Cost"/>)
/// are reserved in <c>memory</c> (the DHT's service scope in the host's resource manager) before it is added and
/// released when it is dropped: a record that does not fit is not added. Thread-safe.
/// </summary>
internal sealed class ProviderStore(ProviderStoreLimits limits, TimeProvider time, IResourceScope? memory = null)
{
    /// <summary>What one record holds beyond its key: the provider's id and expiry, dictionary entries, the per-peer count.</summary>
    public const int Overhead = 128;

    private readonly Dictionary<byte[], Dictionary<PeerId, DateTimeOffset>> _byKey = new(ByteKeyComparer.Instance);
    private readonly Dictionary<PeerId, int> _perPeer = new();
    private int _count;
    private long _reserved;

    /// <summary>The bytes one record under a key of this length is charged (the key counted per record: an upper bound).</summary>
    public static long Cost(int keyLength) => keyLength + Overhead;

    /// <summary>Bytes reserved for the records held now.</summary>
    public long ReservedMemory { get { lock (_byKey) return _reserved; } }

    public int Count { get { lock (_byKey) return _count; } }

    /// <summary>Adds or renews a record. Null on success, else why not.</summary>
    public string? Add(byte[] key, PeerId provider)
    {
        if (key.Length == 0 || key.Length > limits.MaxKeySize) return $"the key must be 1 to {limits.MaxKeySize} bytes";
        var expiry = time.GetUtcNow() + limits.Ttl;
        lock (_byKey)
        {
            if (_byKey.TryGetValue(key, out var providers) && providers.ContainsKey(provider))
            {
                providers[provider] = expiry;
                return null;
            }
            if (_count >= limits.MaxRecords) return $"this node holds {limits.MaxRecords} provider records already";
            if (_perPeer.GetValueOrDefault(provider) >= limits.MaxRecordsPerPeer) return $"{provider} provides {limits.MaxRecordsPerPeer} keys here already";
            if (providers is not null && providers.Count >= limits.MaxProvidersPerKey)
            {
                DropExpiredLocked(key, providers);
                if (providers.Count >= limits.MaxProvidersPerKey) return $"the key has {limits.MaxProvidersPerKey} providers already";
                if (providers.Count == 0) providers = null; // all expired: the key's entry is gone, a new one is made below
            }
            long cost = Cost(key.Length);
            if (memory is not null && !memory.TryReserveMemory(cost))
                return $"the DHT's memory is full ({memory.MemoryUsed} of {memory.MemoryLimit} bytes in {memory.Name})";
            _reserved += cost;
            if (providers is null) _byKey[key] = providers = new Dictionary<PeerId, DateTimeOffset>();
            providers[provider] = expiry;
            _perPeer[provider] = _perPeer.GetValueOrDefault(provider) + 1;
            _count++;
            return null;
        }
    }

    /// <summary>Unexpired providers of <paramref name="key"/>, at most <paramref name="max"/>.</summary>
    public IReadOnlyList<PeerId> Get(byte[] key, int max)
    {
        var now = time.GetUtcNow();
        lock (_byKey)
        {
            if (!_byKey.TryGetValue(key, out var providers)) return [];
            return [.. providers.Where(p => p.Value > now).Select(p => p.Key).Take(max)];
        }
    }

    public int Sweep()
    {
        lock (_byKey)
        {
            int before = _count;
            foreach (var (key, providers) in _byKey.ToList()) DropExpiredLocked(key, providers);
            return before - _count;
        }
    }

    /// <summary>Drops every record (the DHT is disposed): their memory returns.</summary>
    public void Clear()
    {
        lock (_byKey)
        {
            foreach (var (key, providers) in _byKey.ToList()) DropExpiredLocked(key, providers, DateTimeOffset.MaxValue);
        }
    }

    private void DropExpiredLocked(byte[] key, Dictionary<PeerId, DateTimeOffset> providers) => DropExpiredLocked(key, providers, time.GetUtcNow());

    private void DropExpiredLocked(byte[] key, Dictionary<PeerId, DateTimeOffset> providers, DateTimeOffset now)
    {
        foreach (var (peer, expiry) in providers.ToList())
        {
            if (expiry > now) continue;
            providers.Remove(peer);
            _count--;
            long cost = Cost(key.Length);
            _reserved -= cost;
            memory?.ReleaseMemory(cost);
            if (_perPeer.TryGetValue(peer, out int n))
            {
                if (n <= 1) _perPeer.Remove(peer);
                else _perPeer[peer] = n - 1;
            }
        }
        if (providers.Count == 0) _byKey.Remove(key);
    }
}
