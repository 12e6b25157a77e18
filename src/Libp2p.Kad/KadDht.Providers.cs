using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Libp2p.Identity;
using Libp2p.Kad.Lookups;
using Libp2p.Kad.Network;
using Libp2p.Kad.Pb;
using MessageType = Libp2p.Kad.Pb.Message.Types.MessageType;

namespace Libp2p.Kad;

// Content routing: ADD_PROVIDER on the k closest peers, GET_PROVIDERS as a stream of providers.
public sealed partial class KadDht
{
    private readonly HashSet<byte[]> _provided = new(ByteKeyComparer.Instance);

    /// <summary>
    /// Announces that this node provides <paramref name="key"/> (a multihash: see <see cref="ContentKey"/>): records it
    /// here and sends ADD_PROVIDER, with our addresses, to the k peers closest to the key. The periodic refresh
    /// announces it again every <see cref="KadOptions.ReprovideInterval"/>. Returns how many peers took it.
    /// </summary>
    public async Task<int> ProvideAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var keyBytes = key.ToArray();
        if (keyBytes.Length == 0 || keyBytes.Length > Options.Providers.MaxKeySize)
            throw new ArgumentException($"A provider key is 1 to {Options.Providers.MaxKeySize} bytes.", nameof(key));
        _providers.Add(keyBytes, PeerId);
        lock (_provided) _provided.Add(keyBytes);
        return await AnnounceAsync(keyBytes, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> AnnounceAsync(byte[] key, CancellationToken cancellationToken)
    {
        var closest = await GetClosestPeersAsync(key, cancellationToken).ConfigureAwait(false);
        var message = NewMessage(MessageType.AddProvider, key);
        message.ProviderPeers.Add(PeerInfoCodec.ToWire(PeerId, OwnAddresses(), Options.MaxAddressesPerPeer, connected: true));
        var results = await Task.WhenAll(closest.Select(async p =>
        {
            try { await SendAsync(p, message).WaitAsync(cancellationToken).ConfigureAwait(false); return true; }
            catch (Exception) when (!cancellationToken.IsCancellationRequested) { return false; }
        })).ConfigureAwait(false);
        return results.Count(ok => ok);
    }

    /// <summary>
    /// Providers of <paramref name="key"/> as they are found (ourselves and those we hold first), at most
    /// <paramref name="count"/>, each once, with the addresses known for it. The lookup stops when enough were found
    /// or it has queried the k closest peers; stop enumerating to stop it sooner.
    /// </summary>
    public async IAsyncEnumerable<KadPeerInfo> FindProvidersAsync(ReadOnlyMemory<byte> key, int count = 20,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var keyBytes = key.ToArray();
        if (keyBytes.Length == 0 || keyBytes.Length > Options.Providers.MaxKeySize)
            throw new ArgumentException($"A provider key is 1 to {Options.Providers.MaxKeySize} bytes.", nameof(key));
        var seen = new HashSet<PeerId>();
        foreach (var local in _providers.Get(keyBytes, count))
        {
            if (!seen.Add(local)) continue;
            yield return new KadPeerInfo(local, local == PeerId ? OwnAddresses() : KnownAddresses(local));
        }
        if (seen.Count >= count) yield break;

        // The lookup runs beside the enumeration and hands providers over through a bounded channel (count fits).
        var found = Channel.CreateBounded<KadPeerInfo>(new BoundedChannelOptions(count) { FullMode = BoundedChannelFullMode.DropWrite });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int total = seen.Count;
        var lookup = RunLookupAsync("GET_PROVIDERS", keyBytes, async p =>
        {
            var response = await RequestAsync(p, NewMessage(MessageType.GetProviders, keyBytes)).ConfigureAwait(false);
            var closer = LearnPeers(response.CloserPeers);
            foreach (var provider in LearnProviders(response.ProviderPeers))
            {
                lock (seen)
                {
                    if (total >= count || !seen.Add(provider.Id)) continue;
                    total++;
                }
                found.Writer.TryWrite(provider);
            }
            lock (seen) return new LookupReply(closer, total >= count);
        }, () => { lock (seen) return total > 0; }, stop.Token);
        _ = lookup.ContinueWith(t => found.Writer.TryComplete(t.Exception?.GetBaseException()), TaskScheduler.Default);
        try
        {
            await foreach (var provider in found.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return provider;
        }
        finally
        {
            stop.Cancel();
        }
    }

    private List<KadPeerInfo> LearnProviders(IEnumerable<Message.Types.Peer> wire)
    {
        var providers = new List<KadPeerInfo>();
        foreach (var w in wire)
        {
            if (providers.Count >= Options.BucketSize) break;
            var info = Network.PeerInfoCodec.FromWire(w, Options.MaxAddressesPerPeer);
            if (info is null) continue;
            if (info.Id == PeerId) { providers.Add(new KadPeerInfo(PeerId, OwnAddresses())); continue; }
            if (info.Addresses.Count > 0)
                _host.PeerStore.AddAddresses(info.Id, info.Addresses, Options.Providers.AddressTtl);
            providers.Add(info.Addresses.Count > 0 ? info : new KadPeerInfo(info.Id, KnownAddresses(info.Id)));
        }
        return providers;
    }

    private IReadOnlyList<byte[]> ProvidedKeys()
    {
        lock (_provided) return [.. _provided];
    }
}
