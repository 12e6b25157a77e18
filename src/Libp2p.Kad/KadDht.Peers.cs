using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Kad.Lookups;
using Libp2p.Kad.Network;
using Libp2p.Kad.Pb;
using MessageType = Libp2p.Kad.Pb.Message.Types.MessageType;

namespace Libp2p.Kad;

// Peer routing: finding a peer's addresses, and the k peers closest to a key.
public sealed partial class KadDht
{
    /// <summary>
    /// The addresses of <paramref name="peer"/>: at once when we are connected to it, else by a FIND_NODE lookup that
    /// stops at the first answer naming it. Null when the lookup ends without finding it.
    /// </summary>
    public async Task<KadPeerInfo?> FindPeerAsync(PeerId peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var key = peer.ToBytes();
        if (_host.FindConnection(peer) is not null)
        {
            var known = KnownAddresses(peer);
            Report(new LookupStats("FIND_NODE", key, true, 0, 0, 0, TimeSpan.Zero));
            return new KadPeerInfo(peer, known);
        }
        KadPeerInfo? found = null;
        await RunLookupAsync("FIND_NODE", key, async p =>
        {
            var response = await RequestAsync(p, NewMessage(MessageType.FindNode, key)).ConfigureAwait(false);
            var closer = LearnPeers(response.CloserPeers);
            var match = closer.FirstOrDefault(c => c.Id == peer && c.Addresses.Count > 0);
            if (match is not null) found ??= match;
            return new LookupReply(closer, match is not null);
        }, () => found is not null, cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>The (up to k) peers closest to <paramref name="key"/> that answered a FIND_NODE lookup, nearest first.</summary>
    public async Task<IReadOnlyList<PeerId>> GetClosestPeersAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (key.IsEmpty) throw new ArgumentException("The key is empty.", nameof(key));
        var keyBytes = key.ToArray();
        return await RunLookupAsync("FIND_NODE", keyBytes, async p =>
        {
            var response = await RequestAsync(p, NewMessage(MessageType.FindNode, keyBytes)).ConfigureAwait(false);
            return new LookupReply(LearnPeers(response.CloserPeers), false);
        }, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one lookup from the k peers of our table nearest to the key, bounded by <see cref="KadOptions.LookupTimeout"/>,
    /// and reports its figures. <paramref name="found"/> says whether it achieved its goal (null: it did when it
    /// reached any peer).
    /// </summary>
    internal async Task<IReadOnlyList<PeerId>> RunLookupAsync(string kind, byte[] key,
        Func<PeerId, Task<LookupReply>> query, Func<bool>? found, CancellationToken cancellationToken)
    {
        var target = KadKey.Hash(key);
        RoutingTable.MarkLookup(target);
        var lookup = new Lookup(target, Options.BucketSize, Options.Alpha, _latency.StallTimeout, Time, PeerId,
            (p, _) => query(p));
        long started = Time.GetTimestamp();
        IReadOnlyList<PeerId> closest = [];
        using var deadline = new Deadline(Options.LookupTimeout, Time, cancellationToken, _shutdown.Token);
        try
        {
            closest = await lookup.RunAsync(RoutingTable.NearestPeers(target, Options.BucketSize), deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.Expired && !cancellationToken.IsCancellationRequested)
        {
            // The lookup ran out of time: what it found so far is the answer.
        }
        finally
        {
            bool ok = found?.Invoke() ?? lookup.MaxHop > 0;
            int hops = lookup.EndedByReply ? lookup.DoneAtHop : lookup.MaxHop;
            Report(new LookupStats(kind, key, ok, hops, lookup.Queries, lookup.Failures, Time.GetElapsedTime(started)));
        }
        return closest;
    }
}
