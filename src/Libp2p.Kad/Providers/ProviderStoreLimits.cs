namespace Libp2p.Kad.Providers;

/// <summary>
/// Bounds on provider records other peers add on this node (ADD_PROVIDER). One record costs ~150 bytes (key shared
/// per key, peer id, expiry), so the defaults cap the store near 10 MB — the memory go's and rust's users saw grow
/// without bound on busy servers.
/// </summary>
public sealed class ProviderStoreLimits
{
    /// <summary>Provider records held at once.</summary>
    public int MaxRecords { get; set; } = 65_536;

    /// <summary>Records one peer may hold here (it provides that many keys through us).</summary>
    public int MaxRecordsPerPeer { get; set; } = 1024;

    /// <summary>Providers kept per key; later ones are refused until one expires (rust-libp2p keeps k = 20).</summary>
    public int MaxProvidersPerKey { get; set; } = 20;

    /// <summary>Longest key accepted (go refuses keys over 80 bytes: a multihash is ~34).</summary>
    public int MaxKeySize { get; set; } = 80;

    /// <summary>How long a provider record lives unless renewed (go and js: 48 h; providers republish every 22 h).</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How long the addresses of a provider stay in the peer store (go: 24 h).</summary>
    public TimeSpan AddressTtl { get; set; } = TimeSpan.FromHours(24);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecords, 1, nameof(MaxRecords));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordsPerPeer, 1, nameof(MaxRecordsPerPeer));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxProvidersPerKey, 1, nameof(MaxProvidersPerKey));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxKeySize, 1, nameof(MaxKeySize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Ttl, TimeSpan.Zero, nameof(Ttl));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AddressTtl, TimeSpan.Zero, nameof(AddressTtl));
    }
}
