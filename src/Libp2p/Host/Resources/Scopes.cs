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

    public bool Inbound { get; }
    public AddressScope? Address { get; }
    public PeerScope? Peer { get; private set; }
    public bool Established { get; private set; }
    public bool Closed { get; set; }
    public int StreamsIn, StreamsOut;

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
}

/// <summary>
/// One stream, from its SYN (or our open) until it has left the session and holds no buffer. Counted against its
/// connection, peer and the node from the start, against its protocol once negotiated.
/// </summary>
internal sealed class StreamScope : ResourceScope, IYamuxStreamResources
{
    private readonly Lock _memory = new(); // the chain changes when the protocol is set
    private int _closed;

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
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Charges <paramref name="protocol"/> from now on, for what the stream holds already too (called under the manager's lock).</summary>
    public void SetProtocol(ProtocolScope protocol)
    {
        lock (_memory)
        {
            Protocol = protocol;
            protocol.Own.Add(Own.Used);
            Chain = [Own, protocol.Own, .. Chain[1..]];
        }
    }

    public override bool TryReserveMemory(long bytes)
    {
        lock (_memory) return base.TryReserveMemory(bytes);
    }

    public override void ReleaseMemory(long bytes)
    {
        lock (_memory) base.ReleaseMemory(bytes);
    }

    bool IYamuxStreamResources.TryReserveMemory(long bytes, bool required)
    {
        lock (_memory)
        {
            if (required) return base.TryReserveMemory(bytes);
            return MemoryAccount.TryReserve(Chain, bytes) is null; // a window that does not grow: not a refusal
        }
    }

    void IYamuxStreamResources.ReleaseMemory(long bytes) => ReleaseMemory(bytes);

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        long left;
        lock (_memory)
        {
            left = Own.Used;
            if (left > 0) MemoryAccount.Release(Chain, left);
        }
        Manager.CloseStream(this);
    }
}
