using Libp2p.Kad.Providers;
using Libp2p.Kad.Records;
using Libp2p.Multiformats;

namespace Libp2p.Kad;

/// <summary>
/// Everything a <see cref="KadDht"/> is built from. Defaults follow the spec and go-libp2p-kad-dht where the spec
/// leaves a value open; each bound says who pays for what a peer can make us hold.
/// </summary>
public sealed class KadOptions
{
    /// <summary>The public (Amino) DHT protocol.</summary>
    public const string DefaultProtocolId = "/ipfs/kad/1.0.0";

    /// <summary>The protocol id; a private network uses its own (e.g. <c>/myapp/kad/1.0.0</c>) so it never mixes with others.</summary>
    public string ProtocolId { get; set; } = DefaultProtocolId;

    /// <summary>Server (default: serves the protocol) or client (queries only).</summary>
    public KadMode Mode { get; set; } = KadMode.Server;

    /// <summary>The replication parameter k: bucket size, peers returned per answer, peers a value is put on.</summary>
    public int BucketSize { get; set; } = 20;

    /// <summary>Parallel requests per lookup (α).</summary>
    public int Alpha { get; set; } = 3;

    /// <summary>
    /// A value lookup returns once this many peers answered with a valid record (the spec's Q), or when the lookup
    /// has queried the k closest peers it found. go-libp2p's default 0 means "always the whole lookup"; 4 keeps
    /// the lookup short while still comparing several copies.
    /// </summary>
    public int ValueQuorum { get; set; } = 4;

    /// <summary>One request to one peer: dial, stream, request and answer.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A request still unanswered after this long (at most; see <see cref="MinStallTimeout"/>) stops counting against <see cref="Alpha"/> (its answer is still used
    /// if it comes): a peer that vanished without notice costs a lookup this much, not <see cref="RequestTimeout"/>.
    /// rust-libp2p's and go's users both report lookups stuck behind unresponsive peers; this is the remedy.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Floor of the adaptive stall timeout: the DHT stalls a request after twice the 90th percentile of recent answer
    /// times, never below this nor above <see cref="StallTimeout"/>.
    /// </summary>
    public TimeSpan MinStallTimeout { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Upper bound on one whole lookup.</summary>
    public TimeSpan LookupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the table is refreshed (a lookup of our own key, then of a random key in each stale bucket).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Buckets deeper than this are not refreshed with random keys (go: 15); finding a key for bucket b costs ~2^(b+1) hashes.</summary>
    public int MaxRefreshCpl { get; set; } = 15;

    /// <summary>How often keys this node provides are announced again (go: 22 h, inside the 48 h record TTL).</summary>
    public TimeSpan ReprovideInterval { get; set; } = TimeSpan.FromHours(22);

    /// <summary>Run the periodic refresh at all (tests and simulations turn it off to drive it themselves).</summary>
    public bool EnablePeriodicRefresh { get; set; } = true;

    /// <summary>Peers (with /p2p) to join through; dialed by <see cref="KadDht.BootstrapAsync(CancellationToken)"/>.</summary>
    public IList<Multiaddr> BootstrapPeers { get; } = new List<Multiaddr>();

    /// <summary>
    /// Largest message read or written (its varint length is checked before anything is allocated). go accepts 4 MiB,
    /// rust-libp2p 16 KiB (too small for some records, its users found); 64 KiB holds a 10 KiB IPNS record and two
    /// lists of 20 peers with <see cref="MaxAddressesPerPeer"/> addresses each.
    /// </summary>
    public int MaxMessageSize { get; set; } = 64 * 1024;

    /// <summary>Addresses kept, sent and accepted per peer in a message.</summary>
    public int MaxAddressesPerPeer { get; set; } = 16;

    /// <summary>Inbound DHT streams one connection may hold open at once (js-libp2p: 32).</summary>
    public int MaxInboundStreamsPerConnection { get; set; } = 32;

    /// <summary>An inbound stream is closed when its peer sends no request for this long (js: 10 s).</summary>
    public TimeSpan InboundIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long addresses learned from answers stay in the peer store (go's temporary address TTL is 2 min).</summary>
    public TimeSpan LearnedAddressTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>IP diversity: at most this many peers of one /24 (IPv4) or /48 (IPv6) in one bucket (go: 2). Loopback and private addresses are exempt.</summary>
    public int MaxPeersPerIpGroupPerBucket { get; set; } = 2;

    /// <summary>IP diversity: at most this many peers of one /24 or /48 in the whole table (go: 3).</summary>
    public int MaxPeersPerIpGroupInTable { get; set; } = 3;

    /// <summary>Record stores: values other peers put on us.</summary>
    public RecordStoreLimits Records { get; } = new();

    /// <summary>Provider records other peers added on us.</summary>
    public ProviderStoreLimits Providers { get; } = new();

    /// <summary>
    /// Validators of application namespaces (<c>/NAMESPACE/...</c> keys), by namespace. <c>pk</c> and <c>ipns</c> are built
    /// in; one given here under the same name replaces the built-in one. Keys of an unknown namespace are refused.
    /// </summary>
    public IDictionary<string, IRecordValidator> Validators { get; } = new Dictionary<string, IRecordValidator>(StringComparer.Ordinal);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ProtocolId) || ProtocolId[0] != '/') throw new ArgumentException("ProtocolId must start with '/'.");
        ArgumentOutOfRangeException.ThrowIfLessThan(BucketSize, 1, nameof(BucketSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Alpha, 1, nameof(Alpha));
        ArgumentOutOfRangeException.ThrowIfLessThan(ValueQuorum, 1, nameof(ValueQuorum));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSize, 1024, nameof(MaxMessageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAddressesPerPeer, 1, nameof(MaxAddressesPerPeer));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInboundStreamsPerConnection, 1, nameof(MaxInboundStreamsPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRefreshCpl, 0, nameof(MaxRefreshCpl));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRefreshCpl, 20, nameof(MaxRefreshCpl));
        foreach (var t in new[] { RequestTimeout, StallTimeout, MinStallTimeout, LookupTimeout, RefreshInterval, ReprovideInterval, InboundIdleTimeout, LearnedAddressTtl })
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(t, TimeSpan.Zero);
        Records.Validate();
        Providers.Validate();
    }
}
