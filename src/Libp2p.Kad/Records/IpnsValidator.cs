using Libp2p.Identity;

namespace Libp2p.Kad.Records;

/// <summary>
/// <c>/ipns/&lt;multihash&gt;</c> records: a signed, unexpired IPNS record of that name. The best record has the highest
/// sequence number, then the latest validity (as go's boxo/ipns); equal ones keep the first given.
/// </summary>
public sealed class IpnsValidator(TimeProvider time) : IRecordValidator
{
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <inheritdoc/>
    public void Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var record = IpnsRecord.Verify(NameOf(key), value);
        if (record.Validity <= _time.GetUtcNow())
            throw new RecordValidationException($"The IPNS record expired at {record.Validity:O}.");
    }

    /// <summary>The record with the highest sequence number, then the latest validity.</summary>
    /// <inheritdoc/>
    public int Select(ReadOnlySpan<byte> key, IReadOnlyList<ReadOnlyMemory<byte>> values)
    {
        var name = NameOf(key);
        int best = -1;
        IpnsRecord? bestRecord = null;
        for (int i = 0; i < values.Count; i++)
        {
            IpnsRecord r;
            try { r = IpnsRecord.Verify(name, values[i].Span); }
            catch (RecordValidationException) { continue; }
            if (bestRecord is null || r.Sequence > bestRecord.Sequence
                || (r.Sequence == bestRecord.Sequence && r.Validity > bestRecord.Validity))
            {
                best = i;
                bestRecord = r;
            }
        }
        return best < 0 ? 0 : best;
    }

    private static PeerId NameOf(ReadOnlySpan<byte> key)
    {
        if (!RecordKey.TrySplit(key, out var ns, out var rest) || ns != "ipns")
            throw new RecordValidationException("An IPNS record's key must start with /ipns/.");
        if (!PeerId.TryFromBytes(rest, out var name))
            throw new RecordValidationException("An IPNS record's key does not hold a peer id multihash.");
        return name;
    }
}
