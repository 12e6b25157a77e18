using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Host;

/// <summary>
/// What the node knows about other peers: their addresses (each with an expiry), the protocols and agent they
/// announced over identify, and their public keys. The host fills it from connections and identify; protocols
/// (the DHT, relay, the daemon) add what they learn and read it to dial peers by id. Thread-safe.
/// </summary>
/// <remarks>
/// Bounded, because peers tell us what goes in: at most <see cref="MaxPeers"/> peers (the least recently updated
/// peer without a connection is forgotten first), <see cref="MaxAddressesPerPeer"/> addresses and
/// <see cref="MaxProtocolsPerPeer"/> protocols per peer (later ones are dropped). Address lifetimes follow go-libp2p's
/// peerstore: addresses of a connected peer stay while it is connected; once it disconnects they live for
/// <see cref="RecentlyConnectedTtl"/>; addresses learned from others (the DHT) carry the caller's TTL.
/// </remarks>
public sealed class PeerStore
{
    /// <summary>How long the addresses of a peer we were connected to are kept after it disconnects (go: 15 min).</summary>
    public static readonly TimeSpan RecentlyConnectedTtl = TimeSpan.FromMinutes(15);

    /// <summary>A TTL for addresses that must stay until removed.</summary>
    public static readonly TimeSpan Permanent = TimeSpan.MaxValue;

    private readonly TimeProvider _time;
    private readonly Dictionary<PeerId, Entry> _peers = new();
    private long _updates;

    /// <summary>An empty store whose entries expire on <paramref name="time"/>'s clock, bounded as given.</summary>
    /// <param name="time">The clock address lifetimes are measured on.</param>
    /// <param name="maxPeers">Peers kept at most (a disconnected, least recently updated one is forgotten first).</param>
    /// <param name="maxAddressesPerPeer">Addresses kept per peer at most.</param>
    /// <param name="maxProtocolsPerPeer">Protocols kept per peer at most.</param>
    public PeerStore(TimeProvider time, int maxPeers = 10_000, int maxAddressesPerPeer = 32, int maxProtocolsPerPeer = 128)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPeers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAddressesPerPeer, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxProtocolsPerPeer, 1);
        _time = time;
        MaxPeers = maxPeers;
        MaxAddressesPerPeer = maxAddressesPerPeer;
        MaxProtocolsPerPeer = maxProtocolsPerPeer;
    }

    /// <summary>Peers kept at most.</summary>
    public int MaxPeers { get; }
    /// <summary>Addresses kept per peer at most.</summary>
    public int MaxAddressesPerPeer { get; }
    /// <summary>Protocols kept per peer at most.</summary>
    public int MaxProtocolsPerPeer { get; }

    /// <summary>Peers known right now (with or without unexpired addresses).</summary>
    public IReadOnlyList<PeerId> Peers
    {
        get { lock (_peers) return [.. _peers.Keys]; }
    }

    /// <summary>
    /// Adds (or extends the life of) addresses of <paramref name="peer"/>. A trailing <c>/p2p/&lt;id&gt;</c> is removed;
    /// one naming another peer makes the address ignored. Addresses beyond <see cref="MaxAddressesPerPeer"/> are dropped.
    /// </summary>
    public void AddAddresses(PeerId peer, IEnumerable<Multiaddr> addresses, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var expiry = ExpiryAfter(ttl);
        lock (_peers)
        {
            var entry = GetOrAddLocked(peer);
            long now = _time.GetTimestamp();
            entry.DropExpired(now);
            foreach (var given in addresses)
            {
                if (given.PeerId is { } named && named != peer) continue;
                var address = given.WithoutPeerId();
                if (entry.Addresses.TryGetValue(address, out var known))
                {
                    if (expiry > known) entry.Addresses[address] = expiry;
                }
                else if (entry.Addresses.Count < MaxAddressesPerPeer)
                {
                    entry.Addresses[address] = expiry;
                }
            }
        }
    }

    /// <summary>Sets the expiry of every address of <paramref name="peer"/> to <paramref name="ttl"/> from now (e.g. on disconnect).</summary>
    public void UpdateAddressTtl(PeerId peer, TimeSpan ttl)
    {
        var expiry = ExpiryAfter(ttl);
        lock (_peers)
        {
            if (!_peers.TryGetValue(peer, out var entry)) return;
            foreach (var address in entry.Addresses.Keys.ToList())
                entry.Addresses[address] = expiry;
            Touch(entry);
        }
    }

    /// <summary>The unexpired addresses of <paramref name="peer"/> (without <c>/p2p</c>).</summary>
    public IReadOnlyList<Multiaddr> GetAddresses(PeerId peer)
    {
        lock (_peers)
        {
            if (!_peers.TryGetValue(peer, out var entry)) return [];
            entry.DropExpired(_time.GetTimestamp());
            return [.. entry.Addresses.Keys];
        }
    }

    /// <summary>Replaces the protocols <paramref name="peer"/> announced (the first <see cref="MaxProtocolsPerPeer"/>).</summary>
    public void SetProtocols(PeerId peer, IEnumerable<string> protocols)
    {
        ArgumentNullException.ThrowIfNull(protocols);
        lock (_peers)
            GetOrAddLocked(peer).Protocols = [.. protocols.Distinct(StringComparer.Ordinal).Take(MaxProtocolsPerPeer)];
    }

    /// <summary>The protocols <paramref name="peer"/> announced, or none.</summary>
    public IReadOnlyList<string> GetProtocols(PeerId peer)
    {
        lock (_peers) return _peers.TryGetValue(peer, out var entry) ? entry.Protocols : [];
    }

    /// <summary>Whether <paramref name="peer"/> announced <paramref name="protocol"/>.</summary>
    public bool SupportsProtocol(PeerId peer, string protocol)
    {
        lock (_peers) return _peers.TryGetValue(peer, out var entry) && entry.Protocols.Contains(protocol, StringComparer.Ordinal);
    }

    /// <summary>Records <paramref name="key"/> for <paramref name="peer"/>; refused when it is not that peer's key.</summary>
    /// <exception cref="ArgumentException">The key does not belong to <paramref name="peer"/>.</exception>
    public void SetPublicKey(PeerId peer, PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!peer.Matches(key)) throw new ArgumentException($"The key is that of {key.ToPeerId()}, not of {peer}.", nameof(key));
        lock (_peers) GetOrAddLocked(peer).PublicKey = key;
    }

    /// <summary>The public key of <paramref name="peer"/>: recorded, or extracted from an identity peer id (Ed25519).</summary>
    public PublicKey? GetPublicKey(PeerId peer)
    {
        lock (_peers)
            if (_peers.TryGetValue(peer, out var entry) && entry.PublicKey is { } key) return key;
        return peer.TryGetPublicKey();
    }

    /// <summary>Records the agent version <paramref name="peer"/> announced (at most 256 characters are kept).</summary>
    public void SetAgentVersion(PeerId peer, string agentVersion)
    {
        ArgumentNullException.ThrowIfNull(agentVersion);
        lock (_peers) GetOrAddLocked(peer).AgentVersion = agentVersion.Length <= 256 ? agentVersion : agentVersion[..256];
    }

    /// <summary>The agent version <paramref name="peer"/> announced through identify, or null.</summary>
    public string? GetAgentVersion(PeerId peer)
    {
        lock (_peers) return _peers.TryGetValue(peer, out var entry) ? entry.AgentVersion : null;
    }

    /// <summary>Forgets <paramref name="peer"/>.</summary>
    public bool Remove(PeerId peer)
    {
        lock (_peers) return _peers.Remove(peer);
    }

    /// <summary>Keeps <paramref name="peer"/> from being evicted while it is connected (the host calls this).</summary>
    internal void SetConnected(PeerId peer, bool connected)
    {
        lock (_peers)
        {
            if (connected) GetOrAddLocked(peer).Connected = true;
            else if (_peers.TryGetValue(peer, out var entry)) entry.Connected = false;
        }
    }

    private long ExpiryAfter(TimeSpan ttl)
    {
        if (ttl == TimeSpan.MaxValue) return long.MaxValue;
        long ticks = (long)Math.Min(ttl.TotalSeconds * _time.TimestampFrequency, long.MaxValue / 2.0);
        return _time.GetTimestamp() + ticks;
    }

    private Entry GetOrAddLocked(PeerId peer)
    {
        if (!_peers.TryGetValue(peer, out var entry))
        {
            if (_peers.Count >= MaxPeers) EvictOneLocked();
            _peers[peer] = entry = new Entry();
        }
        Touch(entry);
        return entry;
    }

    private void Touch(Entry entry) => entry.LastUpdate = ++_updates;

    // The least recently updated peer without a connection goes; if all are connected, the least recently updated.
    private void EvictOneLocked()
    {
        PeerId? victim = null;
        long oldest = long.MaxValue;
        bool victimConnected = true;
        foreach (var (peer, entry) in _peers)
        {
            bool better = victimConnected && !entry.Connected || (entry.Connected == victimConnected && entry.LastUpdate < oldest);
            if (victim is null || better)
            {
                victim = peer;
                oldest = entry.LastUpdate;
                victimConnected = entry.Connected;
            }
        }
        if (victim is not null) _peers.Remove(victim);
    }

    private sealed class Entry
    {
        public readonly Dictionary<Multiaddr, long> Addresses = new();
        public IReadOnlyList<string> Protocols = [];
        public PublicKey? PublicKey;
        public string? AgentVersion;
        public bool Connected;
        public long LastUpdate;

        public void DropExpired(long now)
        {
            List<Multiaddr>? expired = null;
            foreach (var (address, expiry) in Addresses)
                if (expiry <= now) (expired ??= []).Add(address);
            if (expired is not null)
                foreach (var address in expired) Addresses.Remove(address);
        }
    }
}
