namespace Libp2p.Kad.Records;

/// <summary>Bounds on the values other peers store on this node (PUT_VALUE). Each peer pays for what it put.</summary>
public sealed class RecordStoreLimits
{
    /// <summary>Records held at once; a PUT beyond it is refused (the stream is reset) until some expire.</summary>
    public int MaxRecords { get; set; } = 4096;

    /// <summary>Records one peer may have put and still hold here.</summary>
    public int MaxRecordsPerPeer { get; set; } = 64;

    /// <summary>Largest value accepted (IPNS records are at most 10 KiB).</summary>
    public int MaxValueSize { get; set; } = 16 * 1024;

    /// <summary>How long a received record is kept and served (go and js: 48 h; publishers republish before).</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(48);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecords, 1, nameof(MaxRecords));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordsPerPeer, 1, nameof(MaxRecordsPerPeer));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxValueSize, 1, nameof(MaxValueSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Ttl, TimeSpan.Zero, nameof(Ttl));
    }
}
