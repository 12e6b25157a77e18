using Libp2p.Identity;

namespace Libp2p.Kad.Records;

/// <summary>A stored value, with when it arrived and who put it (null: this node).</summary>
internal sealed record StoredRecord(byte[] Key, byte[] Value, DateTimeOffset Received, PeerId? Owner);

/// <summary>
/// The values this node holds for the DHT, bounded by <see cref="RecordStoreLimits"/>: a total count and a count per
/// peer that put them (the peer that put the current value of a key is charged for it). Records expire after
/// <see cref="RecordStoreLimits.Ttl"/>; expired ones are dropped when read and by <see cref="Sweep"/>. Our own values
/// (<see cref="StoredRecord.Owner"/> null) count only against the total. Thread-safe.
/// </summary>
internal sealed class RecordStore(RecordStoreLimits limits, TimeProvider time)
{
    private readonly Dictionary<byte[], StoredRecord> _records = new(ByteKeyComparer.Instance);
    private readonly Dictionary<PeerId, int> _perPeer = new();

    public int Count { get { lock (_records) return _records.Count; } }

    public StoredRecord? Get(byte[] key)
    {
        lock (_records)
        {
            if (!_records.TryGetValue(key, out var r)) return null;
            if (!Expired(r)) return r;
            RemoveLocked(r);
            return null;
        }
    }

    /// <summary>Stores (or replaces) the value of a key; the caller validated it and chose it over the one held. Null on success, else why not.</summary>
    public string? Put(byte[] key, byte[] value, PeerId? owner)
    {
        if (value.Length > limits.MaxValueSize) return $"the value is over {limits.MaxValueSize} bytes";
        lock (_records)
        {
            _records.TryGetValue(key, out var existing);
            if (existing is not null && Expired(existing)) { RemoveLocked(existing); existing = null; }
            if (existing is null && _records.Count >= limits.MaxRecords) return $"this node holds {limits.MaxRecords} records already";
            bool sameOwner = existing is not null && existing.Owner == owner;
            if (owner is not null && !sameOwner && _perPeer.GetValueOrDefault(owner) >= limits.MaxRecordsPerPeer)
                return $"{owner} has {limits.MaxRecordsPerPeer} records here already";
            if (existing is not null) RemoveLocked(existing);
            var record = new StoredRecord(key, value, time.GetUtcNow(), owner);
            _records[key] = record;
            if (owner is not null) _perPeer[owner] = _perPeer.GetValueOrDefault(owner) + 1;
            return null;
        }
    }

    /// <summary>Drops every expired record.</summary>
    public int Sweep()
    {
        lock (_records)
        {
            var expired = _records.Values.Where(Expired).ToList();
            foreach (var r in expired) RemoveLocked(r);
            return expired.Count;
        }
    }

    private bool Expired(StoredRecord r) => time.GetUtcNow() - r.Received >= limits.Ttl;

    private void RemoveLocked(StoredRecord r)
    {
        _records.Remove(r.Key);
        if (r.Owner is { } owner && _perPeer.TryGetValue(owner, out int n))
        {
            if (n <= 1) _perPeer.Remove(owner);
            else _perPeer[owner] = n - 1;
        }
    }
}
