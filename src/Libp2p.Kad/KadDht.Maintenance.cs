using System.Security.Cryptography;
using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Kad;

// Joining (bootstrap), keeping the table fresh (periodic refresh), republishing what we provide, and expiring stores.
public sealed partial class KadDht
{
    private long _lastReprovide;
    private IReadOnlyList<Multiaddr> _bootstrapPeers = [];

    /// <summary>Joins through <see cref="KadOptions.BootstrapPeers"/>, then refreshes the table.</summary>
    public Task<int> BootstrapAsync(CancellationToken cancellationToken = default) =>
        BootstrapAsync(Options.BootstrapPeers, cancellationToken);

    /// <summary>
    /// Joins the DHT through <paramref name="peers"/> (addresses ending in <c>/p2p/&lt;id&gt;</c>): dials each, asks each for
    /// the peers nearest to us, then runs the refresh (a lookup of our own key, then of a random key per bucket).
    /// Returns how many bootstrap peers answered.
    /// </summary>
    public async Task<int> BootstrapAsync(IEnumerable<Multiaddr> peers, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var list = peers.ToList();
        foreach (var a in list)
            if (a.PeerId is null) throw new ArgumentException($"A bootstrap address needs /p2p/<peer id>: {a}", nameof(peers));
        if (list.Count > 0) _bootstrapPeers = list;
        var self = PeerId.ToBytes();
        var answered = await Task.WhenAll(list.Where(a => a.PeerId != PeerId).Select(async a =>
        {
            var peer = a.PeerId!;
            _host.PeerStore.AddAddresses(peer, [a.WithoutPeerId()], Options.LearnedAddressTtl);
            try
            {
                var response = await RequestAsync(peer, NewMessage(Pb.Message.Types.MessageType.FindNode, self)).WaitAsync(cancellationToken).ConfigureAwait(false);
                LearnPeers(response.CloserPeers);
                return true;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested) { return false; }
        })).ConfigureAwait(false);
        await RefreshCoreAsync(force: true, cancellationToken).ConfigureAwait(false);
        int reached = answered.Count(ok => ok);
        _log.Bootstrapped(reached, list.Count, RoutingTable.Count);
        return reached;
    }

    /// <summary>
    /// The spec's bootstrap run: a lookup of our own key (which fills the nearest buckets), then one of a random key
    /// in each bucket no lookup went through for <see cref="KadOptions.RefreshInterval"/> (all of them when
    /// <paramref name="force"/>), up to <see cref="KadOptions.MaxRefreshCpl"/>. A node whose table emptied joins again
    /// through the bootstrap peers it last used (go's "fix low peers").
    /// </summary>
    public async Task RefreshAsync(bool force = false, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (RoutingTable.Count == 0 && _bootstrapPeers.Count > 0)
        {
            await BootstrapAsync(_bootstrapPeers, cancellationToken).ConfigureAwait(false);
            return;
        }
        await RefreshCoreAsync(force, cancellationToken).ConfigureAwait(false);
    }

    private async Task RefreshCoreAsync(bool force, CancellationToken cancellationToken)
    {
        await GetClosestPeersAsync(PeerId.ToBytes(), cancellationToken).ConfigureAwait(false);
        var stale = RoutingTable.StaleBuckets(force ? TimeSpan.Zero : Options.RefreshInterval, Options.MaxRefreshCpl);
        foreach (int cpl in stale)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await GetClosestPeersAsync(RandomKeyInBucket(cpl), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Bytes whose SHA-256 shares exactly <paramref name="cpl"/> leading bits with our key, so a lookup of them walks
    /// that bucket. Found by trying random keys (~2^(cpl+1) hashes); go ships a precomputed table instead.
    /// </summary>
    internal byte[] RandomKeyInBucket(int cpl)
    {
        var candidate = new byte[32];
        while (true)
        {
            RandomNumberGenerator.Fill(candidate);
            var key = KadKey.Hash(candidate);
            int shared = key.CommonPrefixLength(RoutingTable.LocalKey);
            if (shared == cpl || (cpl >= RoutingTable.BucketCount - 1 && shared >= cpl)) return candidate;
        }
    }

    private async Task RefreshPeriodicallyAsync()
    {
        _lastReprovide = Time.GetTimestamp();
        try
        {
            while (true)
            {
                await Task.Delay(Options.RefreshInterval, Time, _shutdown.Token).ConfigureAwait(false);
                try
                {
                    await RefreshAsync(force: false, _shutdown.Token).ConfigureAwait(false);
                    if (Time.GetElapsedTime(_lastReprovide) >= Options.ReprovideInterval)
                    {
                        _lastReprovide = Time.GetTimestamp();
                        foreach (var key in ProvidedKeys())
                        {
                            _providers.Add(key, PeerId);
                            await AnnounceAsync(key, _shutdown.Token).ConfigureAwait(false);
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !_shutdown.IsCancellationRequested)
                {
                    _log.RefreshFailed(e);
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    // The spec lets expired records go "periodically, e.g. every hour"; reads skip them meanwhile.
    private async Task SweepStoresAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromHours(1), Time, _shutdown.Token).ConfigureAwait(false);
                _records.Sweep();
                _providers.Sweep();
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }
}
