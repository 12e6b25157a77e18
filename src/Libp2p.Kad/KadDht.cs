using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Kad.Lookups;
using Libp2p.Kad.Network;
using Libp2p.Kad.Providers;
using Libp2p.Kad.Records;
using Libp2p.Kad.Routing;
using Libp2p.Multiformats;
using Microsoft.Extensions.Logging;

namespace Libp2p.Kad;

/// <summary>
/// The Kademlia DHT of libp2p (<c>/ipfs/kad/1.0.0</c>, libp2p/specs kad-dht) on a <see cref="Libp2pHost"/>: peer
/// routing (<see cref="FindPeerAsync"/>, <see cref="GetClosestPeersAsync"/>), values (<see cref="GetValueAsync"/>,
/// <see cref="PutValueAsync"/>) and content routing (<see cref="ProvideAsync"/>, <see cref="FindProvidersAsync"/>).
/// Built only on the host's public API: a stream handler (server mode), the connection and identify notifications,
/// the peer store, and dialing by peer id. No thread of its own; time through the host's clock.
/// </summary>
public sealed partial class KadDht : IAsyncDisposable
{
    private readonly Libp2pHost _host;
    private readonly KadRpc _rpc;
    private readonly RecordValidation _validation;
    private readonly RecordStore _records;
    private readonly ProviderStore _providers;
    private readonly LatencyWindow _latency;
    private readonly HashSet<int> _livenessChecks = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ILogger _log;
    private int _disposed;

    /// <summary>Attaches a DHT to <paramref name="host"/>: in server mode it serves <see cref="KadOptions.ProtocolId"/> at once.</summary>
    public KadDht(Libp2pHost host, KadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        options ??= new KadOptions();
        options.Validate();
        _host = host;
        Options = options;
        Time = host.TimeProvider;
        _log = host.Options.LoggerFactory.CreateLogger("Libp2p.Kad");
        _rpc = new KadRpc(host, options.ProtocolId, options.MaxMessageSize, options.RequestTimeout);
        _validation = new RecordValidation(options.Validators, Time);
        _records = new RecordStore(options.Records, Time);
        _providers = new ProviderStore(options.Providers, Time);
        _latency = new LatencyWindow(options.MinStallTimeout, options.StallTimeout);
        RoutingTable = new RoutingTable(host.PeerId, options.BucketSize,
            new DiversityFilter(options.MaxPeersPerIpGroupPerBucket, options.MaxPeersPerIpGroupInTable), Time);

        host.PeerIdentified += OnPeerIdentified;
        if (options.Mode == KadMode.Server)
            host.SetHandler(options.ProtocolId, HandleStreamAsync, options.MaxInboundStreamsPerConnection);
        _ = SweepStoresAsync();
        if (options.EnablePeriodicRefresh)
            _ = RefreshPeriodicallyAsync();
    }

    /// <summary>The options the DHT was created with.</summary>
    public KadOptions Options { get; }
    /// <summary>Server (serves the protocol, is in others' tables) or client (queries only).</summary>
    public KadMode Mode => Options.Mode;
    /// <summary>This node's peer id.</summary>
    public PeerId PeerId => _host.PeerId;
    /// <summary>The host the DHT runs on.</summary>
    public Libp2pHost Host => _host;
    /// <summary>The k-buckets of the peers we know (read-only view).</summary>
    public RoutingTable RoutingTable { get; }

    /// <summary>Values held for others right now.</summary>
    public int StoredRecordCount => _records.Count;

    /// <summary>Provider records held for others right now.</summary>
    public int StoredProviderCount => _providers.Count;

    /// <summary>Raised at the end of every lookup, before the call that ran it returns. Handlers must be quick and must not throw.</summary>
    public event Action<LookupStats>? LookupCompleted;

    internal TimeProvider Time { get; }

    internal CancellationToken ShutdownToken => _shutdown.Token;

    // ---- routing table upkeep ------------------------------------------------------------------------------

    // Identify told us what the peer serves: a server joins our table, a peer that stopped serving leaves it.
    private void OnPeerIdentified(Connection connection)
    {
        var peer = connection.RemotePeer;
        if (_host.PeerStore.SupportsProtocol(peer, Options.ProtocolId)) TryAddToTable(peer);
        else if (RoutingTable.Remove(peer)) _log.TableChanged(peer, "removed: no longer serves the protocol");
    }

    /// <summary>Adds a peer known to serve the protocol; a full bucket gets a liveness check of its least recently seen peer.</summary>
    internal void TryAddToTable(PeerId peer)
    {
        if (_disposed != 0) return;
        var addresses = KnownAddresses(peer);
        if (addresses.Count == 0) return; // nobody could be told how to reach it
        switch (RoutingTable.TryAdd(peer, addresses, out var oldest))
        {
            case AddOutcome.Added:
                _log.TableChanged(peer, "added");
                break;
            case AddOutcome.BucketFull when oldest is not null:
                StartLivenessCheck(oldest, peer);
                break;
            case AddOutcome.Diversity:
                _log.TableChanged(peer, "refused: too many peers of its network group");
                break;
        }
    }

    // Kademlia's rule: a full bucket keeps its old peers while they answer. The least recently seen one is pinged
    // (one check per bucket at a time; candidates arriving meanwhile are dropped); if it is gone, the candidate
    // takes its place.
    private void StartLivenessCheck(PeerId oldest, PeerId candidate)
    {
        int bucket = RoutingTable.BucketIndexOf(KadKey.FromPeerId(oldest));
        lock (_livenessChecks)
            if (!_livenessChecks.Add(bucket)) return;
        _ = CheckAndReplaceAsync(bucket, oldest, candidate);
    }

    private async Task CheckAndReplaceAsync(int bucket, PeerId oldest, PeerId candidate)
    {
        try
        {
            if (await IsAliveAsync(oldest).ConfigureAwait(false))
            {
                RoutingTable.MarkSeen(oldest);
                return;
            }
            if (RoutingTable.Remove(oldest)) _log.TableChanged(oldest, "evicted: did not answer a ping");
            TryAddToTable(candidate);
        }
        finally
        {
            lock (_livenessChecks) _livenessChecks.Remove(bucket);
        }
    }

    private async Task<bool> IsAliveAsync(PeerId peer)
    {
        try
        {
            using var deadline = new Libp2p.Core.Deadline(Options.RequestTimeout, Time, _shutdown.Token);
            var connection = await _host.DialAsync(peer, deadline.Token).ConfigureAwait(false);
            await _host.PingAsync(connection, deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (Libp2p.Multistream.MultistreamException)
        {
            return true; // it answered, just not to ping
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>The addresses we know for <paramref name="peer"/>: the peer store's, else those the table recorded.</summary>
    internal IReadOnlyList<Multiaddr> KnownAddresses(PeerId peer)
    {
        var known = _host.PeerStore.GetAddresses(peer);
        if (known.Count == 0) known = RoutingTable.AddressesOf(peer);
        return known.Count <= Options.MaxAddressesPerPeer ? known : [.. known.Take(Options.MaxAddressesPerPeer)];
    }

    /// <summary>Makes sure the host can dial <paramref name="peer"/> by id (the table's copy of its addresses outlives the peer store's TTL).</summary>
    private void EnsureDialable(PeerId peer)
    {
        if (_host.FindConnection(peer) is not null || _host.PeerStore.GetAddresses(peer).Count > 0) return;
        var recorded = RoutingTable.AddressesOf(peer);
        if (recorded.Count > 0) _host.PeerStore.AddAddresses(peer, recorded, Options.LearnedAddressTtl);
    }

    /// <summary>Our own addresses, as we tell others (no /p2p).</summary>
    internal IReadOnlyList<Multiaddr> OwnAddresses() =>
        [.. _host.ListenAddresses.Select(a => a.WithoutPeerId()).Distinct().Take(Options.MaxAddressesPerPeer)];

    private void Report(LookupStats stats)
    {
        try { LookupCompleted?.Invoke(stats); }
        catch (Exception) { /* a listener's bug is not the lookup's failure */ }
    }

    /// <summary>Stops serving and maintaining; the host stays up.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return ValueTask.CompletedTask;
        _shutdown.Cancel();
        _host.PeerIdentified -= OnPeerIdentified;
        if (Options.Mode == KadMode.Server) _host.RemoveHandler(Options.ProtocolId);
        // _shutdown is not disposed: requests and timers still winding down read its token.
        return ValueTask.CompletedTask;
    }
}
