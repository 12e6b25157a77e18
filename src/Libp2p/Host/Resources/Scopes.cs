using Libp2p.Identity;
using Libp2p.Yamux;

namespace Libp2p.Host.Resources;

// The scopes of the resource manager. Their counts are guarded by the manager's lock; their memory is lock-free
// (MemoryAccount). Each is small: what it counts and what its memory is charged to.

/// <summary>The whole node.</summary>
internal sealed class NodeScope(ResourceManager manager, ResourceLimits limits)
    : ResourceScope(manager, "node", new MemoryAccount("node", nameof(ResourceLimits.Memory), limits.Memory), [])
{
    public int PendingIn, EstablishedIn, PendingOut, EstablishedOut, StreamsIn, StreamsOut;
    public int ConnectionsIn => PendingIn + EstablishedIn;
    public int ConnectionsOut => PendingOut + EstablishedOut;
}

/// <summary>One remote address: an IPv4 address (/32) or an IPv6 /64.</summary>
internal sealed class AddressScope(ResourceManager manager, string key, ResourceLimits limits, NodeScope node)
    : ResourceScope(manager, $"address {key}", new MemoryAccount($"address {key}", nameof(ResourceLimits.MemoryPerAddress), limits.MemoryPerAddress), [node.Own])
{
    public string Key { get; } = key;
    public int PendingIn, EstablishedIn, Out;
    public bool Unused => PendingIn == 0 && EstablishedIn == 0 && Out == 0 && Own.Used == 0;
}

/// <summary>One peer id, over all its connections.</summary>
internal sealed class PeerScope(ResourceManager manager, PeerId peer, ResourceLimits limits, NodeScope node)
    : ResourceScope(manager, $"peer {peer}", new MemoryAccount($"peer {peer}", nameof(ResourceLimits.MemoryPerPeer), limits.MemoryPerPeer), [node.Own])
{
    public PeerId Peer { get; } = peer;
    public int In, Out, StreamsIn, StreamsOut;
    public bool Unused => In == 0 && Out == 0 && StreamsIn == 0 && StreamsOut == 0 && Own.Used == 0;
}

/// <summary>One protocol id, node-wide.</summary>
internal sealed class ProtocolScope(ResourceManager manager, string protocol, ProtocolLimits limits, NodeScope node)
    : ResourceScope(manager, $"protocol {protocol}", new MemoryAccount($"protocol {protocol}", nameof(ResourceLimits.MemoryPerProtocol), limits.Memory), [node.Own])
{
    public string Protocol { get; } = protocol;
    public ProtocolLimits Limits { get; } = limits;
    public int StreamsIn, StreamsOut;
}

/// <summary>
/// A protocol service's own state, node-wide: what a package keeps on peers' behalf beyond any one stream (a relay's
/// circuit buffers, a DHT's records, pubsub's caches and subscription buffers). go-libp2p's service scope.
/// </summary>
internal sealed class ServiceScope(ResourceManager manager, string service, long limit, NodeScope node)
    : ResourceScope(manager, $"service {service}", new MemoryAccount($"service {service}", nameof(ResourceLimits.MemoryPerService), limit), [node.Own])
{
    public string Service { get; } = service;
}

/// <summary>
/// One connection, from accept (or dial) to close. Before the upgrade it counts as pending against its address and
/// the node; once the peer is known it counts against the peer too. It is the session's <see cref="IYamuxResources"/>.
/// </summary>
internal sealed class ConnectionScope : ResourceScope, IYamuxResources
{
    public ConnectionScope(ResourceManager manager, bool inbound, AddressScope? address, string remote, ResourceLimits limits, NodeScope node)
        : base(manager, $"connection {(inbound ? "from" : "to")} {remote}",
            new MemoryAccount($"connection {(inbound ? "from" : "to")} {remote}", nameof(ResourceLimits.MemoryPerConnection), limits.MemoryPerConnection),
            address is null ? [node.Own] : [address.Own, node.Own])
    {
        Inbound = inbound;
        Address = address;
    }

    private readonly Lock _memory = new(); // a reservation or release racing the close: each counted once

    public bool Inbound { get; }
    public AddressScope? Address { get; }
    public PeerScope? Peer { get; private set; }
    public bool Established { get; private set; }
    public bool Closed { get; private set; }
    public int StreamsIn, StreamsOut;

    /// <summary>Streams counted here and not closed yet (the manager's lock): detached when the connection closes first.</summary>
    public HashSet<StreamScope> OpenStreams { get; } = [];

    /// <summary>Charges the peer from now on (called under the manager's lock, before any stream exists).</summary>
    public void Establish(PeerScope peer)
    {
        Peer = peer;
        Established = true;
        Chain = Address is null ? [Own, peer.Own, Manager.NodeScope.Own] : [Own, peer.Own, Address.Own, Manager.NodeScope.Own];
    }

    /// <summary>What the connection's streams charge: the connection and everything above it.</summary>
    public MemoryAccount[] ChainForStreams => Chain;

    public IYamuxStreamResources? TryOpenStream(bool inbound) => Manager.OpenStream(this, inbound);

    /// <summary>From now on reservations are refused and releases ignored (called under the manager's lock).</summary>
    public void MarkClosed()
    {
        lock (_memory) Closed = true;
    }

    /// <summary>What the connection itself still holds returns, once (after its streams were detached; the manager's lock).</summary>
    public void ReleaseRemaining()
    {
        lock (_memory)
        {
            long left = Own.Used;
            if (left > 0) MemoryAccount.Release(Chain, left);
        }
    }

    // A protocol that reserved in the connection's scope (a pubsub queue) may release after the connection closed: the
    // close gave everything back already, so that release is not taken from the peer, address and node a second time.
    private protected override MemoryAccount? TryReserveCore(long bytes)
    {
        lock (_memory) return Closed ? Own : MemoryAccount.TryReserve(Chain, bytes);
    }

    public override bool IsClosed => Closed;

    public override void ReleaseMemory(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_memory)
        {
            if (!Closed) MemoryAccount.Release(Chain, bytes);
        }
    }
}

/// <summary>
/// One stream, from its SYN (or our open) until it has left the session and holds no buffer. Counted against its
/// connection, peer and the node from the start, against its protocol once negotiated.
/// </summary>
internal sealed class StreamScope : ResourceScope, IYamuxStreamResources
{
    private readonly Lock _memory = new(); // the chain changes when the protocol is set and when the connection closes first
    private int _closed;
    private bool _detached;

    public StreamScope(ConnectionScope connection, bool inbound, ResourceLimits limits)
        : base(connection.Manager, $"{(inbound ? "inbound" : "outbound")} stream of {connection.Name}",
            new MemoryAccount($"{(inbound ? "inbound" : "outbound")} stream of {connection.Name}", nameof(ResourceLimits.MemoryPerStream), limits.MemoryPerStream),
            connection.ChainForStreams)
    {
        Connection = connection;
        Inbound = inbound;
    }

    public ConnectionScope Connection { get; }
    public bool Inbound { get; }
    public ProtocolScope? Protocol { get; private set; }
    public override bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Charges <paramref name="protocol"/> from now on, for what the stream holds already too (called under the manager's lock).</summary>
    public void SetProtocol(ProtocolScope protocol)
    {
        lock (_memory)
        {
            Protocol = protocol;
            protocol.Own.Add(Own.Used);
            Chain = _detached ? [Own, protocol.Own] : [Own, protocol.Own, .. Chain[1..]];
        }
    }

    // Once closed, the stream has given back everything it held (Close releases its whole account): a handler's
    // release after that (perf's buffer, when the stream finished before the handler's finally) is not taken from the
    // scopes a second time, and a reservation is refused (nothing would give it back).
    private protected override MemoryAccount? TryReserveCore(long bytes)
    {
        lock (_memory) return IsClosed ? Own : MemoryAccount.TryReserve(Chain, bytes);
    }


    public override void ReleaseMemory(long bytes)
    {
        lock (_memory)
        {
            if (!IsClosed) base.ReleaseMemory(bytes);
        }
    }

    bool IYamuxStreamResources.TryReserveMemory(long bytes, bool required)
    {
        lock (_memory)
        {
            if (IsClosed) return false;
            if (required)
            {
                var refused = MemoryAccount.TryReserve(Chain, bytes);
                if (refused is not null) Manager.ReportMemoryRefused(refused, this, bytes);
                return refused is null;
            }
            return MemoryAccount.TryReserve(Chain, bytes) is null; // a window that does not grow: not a refusal
        }
    }

    void IYamuxStreamResources.ReleaseMemory(long bytes) => ReleaseMemory(bytes);

    /// <summary>
    /// The connection closes before this stream gave its memory back (a ring the application has not drained yet): what
    /// the stream holds returns to the connection and the scopes above it now, once, and the stream's own account (and
    /// its protocol's) pays alone from here on, so its later release is not taken from them a second time. Called under
    /// the manager's lock.
    /// </summary>
    public void DetachFromConnection()
    {
        lock (_memory)
        {
            long used = Own.Used;
            if (used > 0) MemoryAccount.Release(Connection.ChainForStreams, used);
            Chain = Protocol is { } p ? [Own, p.Own] : [Own];
            _detached = true;
        }
    }

    public void Close()
    {
        long left;
        lock (_memory)
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return;
            left = Own.Used;
            if (left > 0) MemoryAccount.Release(Chain, left);
        }
        Manager.CloseStream(this);
    }
}
