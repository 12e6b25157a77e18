using Libp2p.Identity;
using Libp2p.Multiformats;
using Microsoft.Extensions.Logging;

namespace Libp2p.Host.Resources;

/// <summary>
/// The host's one place for limits (go-libp2p's <c>network.ResourceManager</c> is the model): every layer asks it
/// before it admits or buffers anything a peer can make the node hold. Scopes: the node, a remote address (IPv4 /32,
/// IPv6 /64), a peer, a connection, a stream and a protocol; counts of pending and established connections and of
/// streams (each direction), and bytes of memory. Over a limit the thing is refused (the peer sees a reset or a
/// closed connection), the refusal is counted (metric <c>libp2p.resource.refusals</c>, tag <c>limit</c>) and logged
/// at most once per <see cref="ResourceLimits.RefusalLogInterval"/> per limit. Protocol packages reserve memory in the
/// scopes of their streams (<see cref="StreamContext.Resources"/>), connections (<see cref="Connection.Resources"/>),
/// peers (<see cref="Peer"/>) or protocols (<see cref="Protocol"/>). Thread-safe; counts are under one lock, memory is
/// lock-free.
/// </summary>
public sealed class ResourceManager
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, AddressScope> _addresses = new(StringComparer.Ordinal);
    private readonly Dictionary<PeerId, PeerScope> _peers = new();
    private readonly Dictionary<string, ProtocolScope> _protocols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceScope> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FailureWindow> _failures = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly RefusalLog _refusalLog;
    private readonly Action<string> _countRefusal;
    private long _refusals;

    internal ResourceManager(ResourceLimits limits, TimeProvider time, ILogger log, Action<string> countRefusal)
    {
        limits.Validate();
        Limits = limits;
        NodeScope = new NodeScope(this, limits);
        _time = time;
        _refusalLog = new RefusalLog(time, log, limits.RefusalLogInterval);
        _countRefusal = countRefusal;
    }

    /// <summary>The limits in force (change them before the host starts; later changes apply to new admissions only).</summary>
    public ResourceLimits Limits { get; }

    /// <summary>The node's scope: memory reserved here is charged to the node only.</summary>
    public IResourceScope Node => NodeScope;

    internal NodeScope NodeScope { get; }

    /// <summary>Refusals so far, of every kind.</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>The scope of <paramref name="protocol"/> (node-wide): memory reserved here is charged to it and the node.</summary>
    public IResourceScope Protocol(string protocol)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        lock (_sync) return ProtocolLocked(protocol);
    }

    /// <summary>
    /// The scope of a protocol service's own state (go-libp2p's service scope): what a package keeps on peers' behalf
    /// beyond any one stream — a relay's circuit buffers, a DHT's records, pubsub's caches. Charged to the service and
    /// the node; its limit is <see cref="ResourceLimits.Services"/>[<paramref name="name"/>] when set, else
    /// <see cref="ResourceLimits.MemoryPerService"/>. The same name gives the same scope. Reserve before holding, release
    /// when dropped; on refusal, do not hold it (the refusal is counted and logged here).
    /// </summary>
    public IResourceScope Service(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_sync)
        {
            if (!_services.TryGetValue(name, out var s))
                _services[name] = s = new ServiceScope(this, name, Limits.Services.TryGetValue(name, out long limit) ? limit : Limits.MemoryPerService, NodeScope);
            return s;
        }
    }

    /// <summary>The scope of a connected peer (charged to it and the node), or null when it has no connection.</summary>
    public IResourceScope? Peer(PeerId peer)
    {
        lock (_sync) return _peers.GetValueOrDefault(peer);
    }

    /// <summary>A snapshot of what the node holds.</summary>
    public ResourceUsage Usage
    {
        get
        {
            lock (_sync)
            {
                var n = NodeScope;
                return new ResourceUsage(n.PendingIn, n.ConnectionsIn, n.ConnectionsOut, n.StreamsIn, n.StreamsOut,
                    n.Own.Used, _addresses.Count, _peers.Count, Refusals);
            }
        }
    }

    // ---- connections ----

    /// <summary>An inbound connection was accepted: admits it as pending, or refuses (null; the caller resets it).</summary>
    internal ConnectionScope? TryOpenInbound(Multiaddr remote)
    {
        string? key = AddressKey.Of(remote);
        var l = Limits;
        string what = $"inbound connection from {remote}";
        lock (_sync)
        {
            var n = NodeScope;
            if (key is not null && _failures.TryGetValue(key, out var f) && f.Count >= l.InboundUpgradeFailuresPerAddress
                && _time.GetElapsedTime(f.Start) < l.InboundUpgradeFailureWindow)
            {
                Report(nameof(l.InboundUpgradeFailuresPerAddress), l.InboundUpgradeFailuresPerAddress, $"address {key}", what);
                return null;
            }
            var a = key is null ? null : AddressLocked(key);
            if (a is not null && a.PendingIn >= l.PendingInboundPerAddress) return RefuseLocked(nameof(l.PendingInboundPerAddress), l.PendingInboundPerAddress, a, what);
            if (a is not null && a.PendingIn + a.EstablishedIn >= l.ConnectionsInboundPerAddress) return RefuseLocked(nameof(l.ConnectionsInboundPerAddress), l.ConnectionsInboundPerAddress, a, what);
            if (n.PendingIn >= l.PendingInbound) return RefuseLocked(nameof(l.PendingInbound), l.PendingInbound, n, what, a);
            if (n.ConnectionsIn >= l.ConnectionsInbound) return RefuseLocked(nameof(l.ConnectionsInbound), l.ConnectionsInbound, n, what, a);
            if (n.ConnectionsIn + n.ConnectionsOut >= l.Connections) return RefuseLocked(nameof(l.Connections), l.Connections, n, what, a);
            n.PendingIn++;
            if (a is not null) a.PendingIn++;
            return new ConnectionScope(this, inbound: true, a, remote.ToString(), l, n);
        }
    }

    /// <summary>We are about to dial <paramref name="remote"/>: admits the dial as pending or throws.</summary>
    /// <exception cref="ResourceLimitExceededException"/>
    internal ConnectionScope OpenOutbound(Multiaddr remote)
    {
        string? key = AddressKey.Of(remote);
        var l = Limits;
        string what = $"outbound connection to {remote}";
        lock (_sync)
        {
            var n = NodeScope;
            var a = key is null ? null : AddressLocked(key);
            if (a is not null && a.Out >= l.ConnectionsOutboundPerAddress) throw RefusalLocked(nameof(l.ConnectionsOutboundPerAddress), l.ConnectionsOutboundPerAddress, a, what);
            if (n.ConnectionsOut >= l.ConnectionsOutbound) throw RefusalLocked(nameof(l.ConnectionsOutbound), l.ConnectionsOutbound, n, what, a);
            if (n.ConnectionsIn + n.ConnectionsOut >= l.Connections) throw RefusalLocked(nameof(l.Connections), l.Connections, n, what, a);
            n.PendingOut++;
            if (a is not null) a.Out++;
            return new ConnectionScope(this, inbound: false, a, remote.ToString(), l, n);
        }
    }

    /// <summary>The upgrade proved the peer: counts the connection against it, or refuses (the caller closes the connection).</summary>
    internal ResourceLimitExceededException? TryEstablish(ConnectionScope c, PeerId peer)
    {
        var l = Limits;
        string what = $"{c.Name} (peer {peer})";
        lock (_sync)
        {
            if (c.Closed) return new ResourceLimitExceededException("closed", 0, c.Name, what);
            var n = NodeScope;
            var p = PeerLocked(peer);
            if (c.Inbound && p.In >= l.ConnectionsInboundPerPeer)
            {
                DropPeerIfUnusedLocked(p);
                return RefusalLocked(nameof(l.ConnectionsInboundPerPeer), l.ConnectionsInboundPerPeer, p, what);
            }
            if (!c.Inbound && p.Out >= l.ConnectionsOutboundPerPeer)
            {
                DropPeerIfUnusedLocked(p);
                return RefusalLocked(nameof(l.ConnectionsOutboundPerPeer), l.ConnectionsOutboundPerPeer, p, what);
            }
            if (c.Inbound)
            {
                p.In++;
                n.PendingIn--;
                n.EstablishedIn++;
                if (c.Address is { } a) { a.PendingIn--; a.EstablishedIn++; }
            }
            else
            {
                p.Out++;
                n.PendingOut--;
                n.EstablishedOut++;
            }
            c.Establish(p);
            return null;
        }
    }

    /// <summary>An inbound upgrade from the connection's address failed: counted against InboundUpgradeFailuresPerAddress.</summary>
    internal void InboundUpgradeFailed(ConnectionScope c)
    {
        if (c.Address is not { } a) return;
        long now = _time.GetTimestamp();
        lock (_sync)
        {
            if (!_failures.TryGetValue(a.Key, out var f) || _time.GetElapsedTime(f.Start, now) >= Limits.InboundUpgradeFailureWindow)
            {
                if (_failures.Count >= MaxFailureEntries) PruneFailuresLocked(now);
                _failures[a.Key] = f = new FailureWindow { Start = now };
            }
            f.Count++;
        }
    }

    // Addresses remembered for failed upgrades (a bounded table: the oldest windows go first when it is full).
    private const int MaxFailureEntries = 16_384;

    private void PruneFailuresLocked(long now)
    {
        foreach (var (key, f) in _failures)
            if (_time.GetElapsedTime(f.Start, now) >= Limits.InboundUpgradeFailureWindow) _failures.Remove(key);
        if (_failures.Count >= MaxFailureEntries)
            foreach (var key in _failures.OrderBy(kv => kv.Value.Start).Take(_failures.Count / 2).Select(kv => kv.Key).ToList())
                _failures.Remove(key);
    }

    private sealed class FailureWindow
    {
        public long Start;
        public int Count;
    }

    /// <summary>The connection is gone (refused, failed or closed): its counts and any memory it still holds return.</summary>
    internal void Close(ConnectionScope c)
    {
        lock (_sync)
        {
            if (c.Closed) return;
            c.MarkClosed();
            var n = NodeScope;
            if (c.Inbound)
            {
                if (c.Established) n.EstablishedIn--; else n.PendingIn--;
                if (c.Address is { } a) { if (c.Established) a.EstablishedIn--; else a.PendingIn--; }
                if (c.Peer is { } p) p.In--;
            }
            else
            {
                if (c.Established) n.EstablishedOut--; else n.PendingOut--;
                if (c.Address is { } a) a.Out--;
                if (c.Peer is { } p) p.Out--;
            }
            // Streams still holding memory give it back to the connection's chain now, and only to their own
            // accounts later; then whatever the connection itself still holds returns.
            foreach (var s in c.OpenStreams) s.DetachFromConnection();
            c.ReleaseRemaining();
            if (c.Address is { } addr) DropAddressIfUnusedLocked(addr);
            if (c.Peer is { } peer) DropPeerIfUnusedLocked(peer);
        }
    }

    // ---- streams ----

    /// <summary>A stream opens on <paramref name="c"/>: inbound ones are refused with null (RST), outbound ones with an exception.</summary>
    internal StreamScope? OpenStream(ConnectionScope c, bool inbound)
    {
        var l = Limits;
        string what = $"{(inbound ? "inbound" : "outbound")} stream on {c.Name}";
        lock (_sync)
        {
            var n = NodeScope;
            var p = c.Peer;
            ResourceLimitExceededException? refusal = null;
            if (c.Closed) refusal = new ResourceLimitExceededException("closed", 0, c.Name, what);
            else if (inbound)
            {
                if (c.StreamsIn >= l.StreamsInboundPerConnection) refusal = RefusalLocked(nameof(l.StreamsInboundPerConnection), l.StreamsInboundPerConnection, c, what);
                else if (p is not null && p.StreamsIn >= l.StreamsInboundPerPeer) refusal = RefusalLocked(nameof(l.StreamsInboundPerPeer), l.StreamsInboundPerPeer, p, what);
                else if (n.StreamsIn >= l.StreamsInbound) refusal = RefusalLocked(nameof(l.StreamsInbound), l.StreamsInbound, n, what);
            }
            else
            {
                if (c.StreamsOut >= l.StreamsOutboundPerConnection) refusal = RefusalLocked(nameof(l.StreamsOutboundPerConnection), l.StreamsOutboundPerConnection, c, what);
                else if (p is not null && p.StreamsOut >= l.StreamsOutboundPerPeer) refusal = RefusalLocked(nameof(l.StreamsOutboundPerPeer), l.StreamsOutboundPerPeer, p, what);
                else if (n.StreamsOut >= l.StreamsOutbound) refusal = RefusalLocked(nameof(l.StreamsOutbound), l.StreamsOutbound, n, what);
            }
            if (refusal is not null)
            {
                if (inbound) return null;
                throw refusal;
            }
            if (inbound) { c.StreamsIn++; n.StreamsIn++; if (p is not null) p.StreamsIn++; }
            else { c.StreamsOut++; n.StreamsOut++; if (p is not null) p.StreamsOut++; }
            var stream = new StreamScope(c, inbound, l);
            c.OpenStreams.Add(stream);
            return stream;
        }
    }

    /// <summary>The stream's protocol is negotiated: counts it against the protocol, or refuses (the caller resets the stream).</summary>
    internal ResourceLimitExceededException? SetProtocol(StreamScope s, string protocol)
    {
        lock (_sync)
        {
            if (s.Protocol is not null) return null;
            var proto = ProtocolLocked(protocol);
            string what = $"{(s.Inbound ? "inbound" : "outbound")} {protocol} stream on {s.Connection.Name}";
            if (s.Inbound && proto.StreamsIn >= proto.Limits.StreamsInbound)
                return RefusalLocked(nameof(ResourceLimits.StreamsInboundPerProtocol), proto.Limits.StreamsInbound, proto, what);
            if (!s.Inbound && proto.StreamsOut >= proto.Limits.StreamsOutbound)
                return RefusalLocked(nameof(ResourceLimits.StreamsOutboundPerProtocol), proto.Limits.StreamsOutbound, proto, what);
            if (s.IsClosed) return null; // gone already: nothing to count
            if (s.Inbound) proto.StreamsIn++; else proto.StreamsOut++;
            s.SetProtocol(proto);
            return null;
        }
    }

    internal void CloseStream(StreamScope s)
    {
        lock (_sync)
        {
            var c = s.Connection;
            var n = NodeScope;
            var p = c.Peer;
            c.OpenStreams.Remove(s);
            if (s.Inbound)
            {
                c.StreamsIn--; n.StreamsIn--;
                if (p is not null) p.StreamsIn--;
                if (s.Protocol is { } proto) proto.StreamsIn--;
            }
            else
            {
                c.StreamsOut--; n.StreamsOut--;
                if (p is not null) p.StreamsOut--;
                if (s.Protocol is { } proto) proto.StreamsOut--;
            }
            if (p is not null) DropPeerIfUnusedLocked(p);
        }
    }

    // ---- refusals ----

    /// <summary>A refusal decided elsewhere in the host (a handler's per-connection stream limit, the identify push rate): counted and logged here.</summary>
    internal void ReportRefusal(string limit, long value, string scope, string what) => Report(limit, value, scope, what);

    internal void ReportMemoryRefused(MemoryAccount refused, ResourceScope scope, long bytes)
        => Report(refused.LimitName, refused.Limit, refused.ScopeName, $"{bytes} bytes of memory for {scope.Name}");

    private ConnectionScope? RefuseLocked(string limit, long value, ResourceScope full, string what, AddressScope? created = null)
    {
        RefusalLocked(limit, value, full, what);
        if (created is not null) DropAddressIfUnusedLocked(created);
        if (full is AddressScope a) DropAddressIfUnusedLocked(a);
        return null;
    }

    private ResourceLimitExceededException RefusalLocked(string limit, long value, ResourceScope full, string what, AddressScope? created = null)
    {
        if (created is not null) DropAddressIfUnusedLocked(created);
        Report(limit, value, full.Name, what);
        return new ResourceLimitExceededException(limit, value, full.Name, what);
    }

    private void Report(string limit, long value, string scope, string what)
    {
        Interlocked.Increment(ref _refusals);
        _countRefusal(limit);
        _refusalLog.Report(limit, value, scope, what);
    }

    // ---- scope tables ----

    private AddressScope AddressLocked(string key)
    {
        if (!_addresses.TryGetValue(key, out var a))
            _addresses[key] = a = new AddressScope(this, key, Limits, NodeScope);
        return a;
    }

    private PeerScope PeerLocked(PeerId peer)
    {
        if (!_peers.TryGetValue(peer, out var p))
            _peers[peer] = p = new PeerScope(this, peer, Limits, NodeScope);
        return p;
    }

    private ProtocolScope ProtocolLocked(string protocol)
    {
        if (!_protocols.TryGetValue(protocol, out var p))
            _protocols[protocol] = p = new ProtocolScope(this, protocol, Limits.For(protocol), NodeScope);
        return p;
    }

    private void DropAddressIfUnusedLocked(AddressScope a)
    {
        if (a.Unused) _addresses.Remove(a.Key);
    }

    private void DropPeerIfUnusedLocked(PeerScope p)
    {
        if (p.Unused) _peers.Remove(p.Peer);
    }
}
