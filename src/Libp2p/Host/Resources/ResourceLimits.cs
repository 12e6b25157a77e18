namespace Libp2p.Host.Resources;

/// <summary>
/// Every limit of the host's <see cref="ResourceManager"/>, per scope: the node, a remote address (an IPv4 /32 or an
/// IPv6 /64), a peer, a connection, a stream and a protocol. The defaults protect a node on the open internet without
/// configuration and are at least as strict as go-libp2p's (resource manager, connection gater) and rust-libp2p's;
/// <c>docs/limits.md</c> says why each is what it is and what a peer sees when it hits it. Connection counts include
/// connections still upgrading. Streams are counted from the SYN (or our open), negotiation included.
/// </summary>
public sealed class ResourceLimits
{
    private const long MiB = 1024 * 1024;

    // ---- node ----

    /// <summary>Inbound connections still in their upgrade (security + muxer), node-wide: the slow-loris bound.</summary>
    public int PendingInbound { get; set; } = 64;

    /// <summary>Inbound connections, node-wide (upgrading ones included).</summary>
    public int ConnectionsInbound { get; set; } = 256;

    /// <summary>Outbound connections, node-wide (dials in progress included).</summary>
    public int ConnectionsOutbound { get; set; } = 512;

    /// <summary>All connections, node-wide, both directions (upgrading ones included).</summary>
    public int Connections { get; set; } = 512;

    /// <summary>Inbound streams, node-wide.</summary>
    public int StreamsInbound { get; set; } = 4096;

    /// <summary>Outbound streams, node-wide.</summary>
    public int StreamsOutbound { get; set; } = 8192;

    /// <summary>Bytes peers can make the node buffer, all together (stream receive buffers and what protocols reserve).</summary>
    public long Memory { get; set; } = 256 * MiB;

    // ---- remote address (IPv4 /32, IPv6 /64) ----

    /// <summary>Inbound connections still upgrading from one address (go-libp2p: 8 per IPv4 /32).</summary>
    public int PendingInboundPerAddress { get; set; } = 8;

    /// <summary>Inbound connections from one address (upgrading ones included).</summary>
    public int ConnectionsInboundPerAddress { get; set; } = 8;

    /// <summary>Outbound connections to one address (dials in progress included).</summary>
    public int ConnectionsOutboundPerAddress { get; set; } = 8;

    /// <summary>Bytes the connections from one address can make the node buffer, all together.</summary>
    public long MemoryPerAddress { get; set; } = 64 * MiB;

    /// <summary>
    /// Inbound upgrades from one address that may fail (silence, a bad handshake, a forged key or signature) within
    /// <see cref="InboundUpgradeFailureWindow"/>; past it the address is refused new connections until the window ends.
    /// A handshake costs the node ~1 ms of public-key work: this keeps one address from spending the node's CPU.
    /// </summary>
    public int InboundUpgradeFailuresPerAddress { get; set; } = 16;

    /// <summary>The window of <see cref="InboundUpgradeFailuresPerAddress"/>.</summary>
    public TimeSpan InboundUpgradeFailureWindow { get; set; } = TimeSpan.FromMinutes(1);

    // ---- peer ----

    /// <summary>Inbound connections of one peer id (go-libp2p: 8).</summary>
    public int ConnectionsInboundPerPeer { get; set; } = 8;

    /// <summary>Outbound connections to one peer id (go-libp2p: 8).</summary>
    public int ConnectionsOutboundPerPeer { get; set; } = 8;

    /// <summary>Inbound streams of one peer, over all its connections.</summary>
    public int StreamsInboundPerPeer { get; set; } = 512;

    /// <summary>Outbound streams to one peer, over all its connections.</summary>
    public int StreamsOutboundPerPeer { get; set; } = 1024;

    /// <summary>Bytes one peer can make the node buffer, over all its connections.</summary>
    public long MemoryPerPeer { get; set; } = 48 * MiB;

    // ---- connection ----

    /// <summary>Inbound streams of one connection, negotiating ones included (more: RST).</summary>
    public int StreamsInboundPerConnection { get; set; } = 256;

    /// <summary>Outbound streams of one connection.</summary>
    public int StreamsOutboundPerConnection { get; set; } = 512;

    /// <summary>Bytes one connection can make the node buffer (its streams' receive buffers and reservations).</summary>
    public long MemoryPerConnection { get; set; } = 32 * MiB;

    // ---- stream ----

    /// <summary>
    /// Bytes one stream can make the node buffer (its receive window grows only within this). Yamux's largest window
    /// (16 MiB) plus room for what its handler reserves (perf's 256 KiB buffer): at exactly 16 MiB a full window
    /// and perf's buffer did not fit, and a well-behaved js perf upload was reset.
    /// </summary>
    public long MemoryPerStream { get; set; } = 20 * MiB;

    // ---- protocol (node-wide, every peer together) ----

    /// <summary>Inbound streams of one protocol, node-wide, unless <see cref="Protocols"/> says otherwise.</summary>
    public int StreamsInboundPerProtocol { get; set; } = 2048;

    /// <summary>Outbound streams of one protocol, node-wide, unless <see cref="Protocols"/> says otherwise.</summary>
    public int StreamsOutboundPerProtocol { get; set; } = 4096;

    /// <summary>Bytes the streams of one protocol can hold, node-wide, unless <see cref="Protocols"/> says otherwise.</summary>
    public long MemoryPerProtocol { get; set; } = 128 * MiB;

    /// <summary>Limits of particular protocols (by protocol id), instead of the per-protocol defaults above.</summary>
    public IDictionary<string, ProtocolLimits> Protocols { get; } = new Dictionary<string, ProtocolLimits>(StringComparer.Ordinal);

    // ---- service (a protocol package's own state, node-wide) ----

    /// <summary>
    /// Bytes one protocol service (<see cref="ResourceManager.Service"/>: the relay's circuits, the DHT's records,
    /// pubsub's caches) may hold for its own state, unless <see cref="Services"/> says otherwise. go-libp2p: 64 MiB per
    /// service by default.
    /// </summary>
    public long MemoryPerService { get; set; } = 64 * MiB;

    /// <summary>The memory limits of particular services (by service name: <c>libp2p.relay/v2</c>, <c>libp2p.dht</c>, <c>libp2p.pubsub</c>, <c>libp2p.daemon</c>), instead of <see cref="MemoryPerService"/>.</summary>
    public IDictionary<string, long> Services { get; } = new Dictionary<string, long>(StringComparer.Ordinal);

    // ---- reporting ----

    /// <summary>Refusals of one kind are logged at most once per this interval (with the count of those not logged).</summary>
    public TimeSpan RefusalLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>No limit at all (tests and benchmarks that open thousands of connections from one address).</summary>
    public static ResourceLimits Unlimited()
    {
        var l = new ResourceLimits();
        l.PendingInbound = l.ConnectionsInbound = l.ConnectionsOutbound = l.Connections = int.MaxValue;
        l.StreamsInbound = l.StreamsOutbound = int.MaxValue;
        l.PendingInboundPerAddress = l.ConnectionsInboundPerAddress = l.ConnectionsOutboundPerAddress = int.MaxValue;
        l.InboundUpgradeFailuresPerAddress = int.MaxValue;
        l.ConnectionsInboundPerPeer = l.ConnectionsOutboundPerPeer = l.StreamsInboundPerPeer = l.StreamsOutboundPerPeer = int.MaxValue;
        l.StreamsInboundPerConnection = l.StreamsOutboundPerConnection = int.MaxValue;
        l.StreamsInboundPerProtocol = l.StreamsOutboundPerProtocol = int.MaxValue;
        l.Memory = l.MemoryPerAddress = l.MemoryPerPeer = l.MemoryPerConnection = l.MemoryPerStream = l.MemoryPerProtocol = l.MemoryPerService = long.MaxValue;
        return l;
    }

    internal ProtocolLimits For(string protocol) =>
        Protocols.TryGetValue(protocol, out var p) ? p : new ProtocolLimits(StreamsInboundPerProtocol, StreamsOutboundPerProtocol, MemoryPerProtocol);

    internal void Validate()
    {
        foreach (var (name, value) in new (string, long)[]
        {
            (nameof(PendingInbound), PendingInbound), (nameof(ConnectionsInbound), ConnectionsInbound),
            (nameof(ConnectionsOutbound), ConnectionsOutbound), (nameof(Connections), Connections),
            (nameof(StreamsInbound), StreamsInbound), (nameof(StreamsOutbound), StreamsOutbound), (nameof(Memory), Memory),
            (nameof(PendingInboundPerAddress), PendingInboundPerAddress), (nameof(ConnectionsInboundPerAddress), ConnectionsInboundPerAddress),
            (nameof(ConnectionsOutboundPerAddress), ConnectionsOutboundPerAddress), (nameof(MemoryPerAddress), MemoryPerAddress),
            (nameof(InboundUpgradeFailuresPerAddress), InboundUpgradeFailuresPerAddress),
            (nameof(ConnectionsInboundPerPeer), ConnectionsInboundPerPeer), (nameof(ConnectionsOutboundPerPeer), ConnectionsOutboundPerPeer),
            (nameof(StreamsInboundPerPeer), StreamsInboundPerPeer), (nameof(StreamsOutboundPerPeer), StreamsOutboundPerPeer),
            (nameof(MemoryPerPeer), MemoryPerPeer), (nameof(StreamsInboundPerConnection), StreamsInboundPerConnection),
            (nameof(StreamsOutboundPerConnection), StreamsOutboundPerConnection), (nameof(MemoryPerConnection), MemoryPerConnection),
            (nameof(MemoryPerStream), MemoryPerStream), (nameof(StreamsInboundPerProtocol), StreamsInboundPerProtocol),
            (nameof(StreamsOutboundPerProtocol), StreamsOutboundPerProtocol), (nameof(MemoryPerProtocol), MemoryPerProtocol),
            (nameof(MemoryPerService), MemoryPerService),
        })
        {
            if (value < 0) throw new ArgumentOutOfRangeException(name, value, "A limit cannot be negative (0 refuses everything).");
        }
        foreach (var (service, memory) in Services)
            if (memory < 0) throw new ArgumentOutOfRangeException(nameof(Services), memory, $"The memory limit of service {service} cannot be negative.");
        if (RefusalLogInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RefusalLogInterval));
        if (InboundUpgradeFailureWindow <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(InboundUpgradeFailureWindow));
    }
}

/// <summary>The limits of one protocol, node-wide (every peer together).</summary>
public sealed record ProtocolLimits(int StreamsInbound, int StreamsOutbound, long Memory);
