using Libp2p.Host.Resources;
using Libp2p.Identity;

namespace Libp2p.Kad.Records;

/// <summary>A stored value, with when it arrived and who put it (null: this node).</summary>
internal sealed record StoredRecord(byte[] Key, byte[] Value, DateTimeOffset Received, PeerId? Owner);

/// <summary>
/// The values this node holds for the DHT, bounded by <see cref="RecordStoreLimits"/>: a total count and a count per
/// peer that put them (the peer that put the current value of a key is charged for it). Records expire after
/// <see cref="RecordStoreLimits.Ttl"/>; expired ones are dropped when read and by <see cref="Sweep"/>. Our own values
/// (<see cref="StoredRecord.Owner"/> null) count only against the total. Each record's bytes (<see cref="Cost"/>) are
/// reserved in <c>memory</c> (the DHT's service scope in the host's resource manager) before it is stored and released
/// when it is dropped: a record that does not fit is not stored. Thread-safe.
/// </summary>
internal sealed class RecordStore(RecordStoreLimits limits, TimeProvider time, IResourceScope? memory = null)
{
    /// <summary>What one record holds beyond its key and value: the record object, its dictionary entry, the owner's count.</summary>
    public const int Overhead = 160;

    private readonly Dictionary<byte[], StoredRecord> _records = new(ByteKeyComparer.Instance);
    private readonly Dictionary<PeerId, int> _perPeer = new();
    private long _reserved;

    /// <summary>The bytes a record of this key and value is charged.</summary>
    public static long Cost(int keyLength, int valueLength) => keyLength + valueLength + Overhead;

    /// <summary>Bytes reserved for the records held now.</summary>
    public long ReservedMemory { get { lock (_records) return _reserved; } }

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
            // A replacement pays only its difference (the old value is dropped with it).
            long delta = Cost(key.Length, value.Length) - (existing is null ? 0 : Cost(existing.Key.Length, existing.Value.Length));
            if (delta > 0 && memory is not null && !memory.TryReserveMemory(delta))
                return $"the DHT's memory is full ({memory.MemoryUsed} of {memory.MemoryLimit} bytes in {memory.Name})";
            if (delta < 0) memory?.ReleaseMemory(-delta);
            _reserved += delta;
            if (existing is not null) RemoveLocked(existing, release: false);
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

    /// <summary>Drops every record (the DHT is disposed): their memory returns.</summary>
    public void Clear()
    {
        lock (_records)
        {
            foreach (var r in _records.Values.ToList()) RemoveLocked(r);
        }
    }

    private bool Expired(StoredRecord r) => time.GetUtcNow() - r.Received >= limits.Ttl;

    private void RemoveLocked(StoredRecord r, bool release = true)
    {
        _records.Remove(r.Key);
        if (release)
        {
            long cost = Cost(r.Key.Length, r.Value.Length);
            _reserved -= cost;
            memory?.ReleaseMemory(cost);
        }
        if (r.Owner is { } owner && _perPeer.TryGetValue(owner, out int n))
        {
            if (n <= 1) _perPeer.Remove(owner);
            else _perPeer[owner] = n - 1;
        }
    }
}
