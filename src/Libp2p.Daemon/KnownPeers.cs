using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Daemon;

/// <summary>
/// The addresses clients gave for each peer in CONNECT requests, so a later STREAM_OPEN can dial a peer whose
/// connection closed (go's daemon has its peerstore for this). Bounded: the peer remembered longest ago is
/// forgotten first, and each peer keeps its latest 16 addresses.
/// </summary>
internal sealed class KnownPeers(int maxPeers)
{
    private const int MaxAddressesPerPeer = 16;
    private readonly Dictionary<PeerId, Multiaddr[]> _addresses = [];
    private readonly Queue<PeerId> _order = new();
    private readonly Lock _lock = new();

    public void Remember(PeerId peer, IReadOnlyList<Multiaddr> addresses)
    {
        if (addresses.Count == 0) return;
        var kept = addresses.Take(MaxAddressesPerPeer).ToArray();
        lock (_lock)
        {
            if (!_addresses.ContainsKey(peer))
            {
                while (_addresses.Count >= maxPeers && _order.TryDequeue(out var oldest))
                    _addresses.Remove(oldest);
                _order.Enqueue(peer);
            }
            _addresses[peer] = kept;
        }
    }

    public IReadOnlyList<Multiaddr> Get(PeerId peer)
    {
        lock (_lock) return _addresses.TryGetValue(peer, out var a) ? a : [];
    }
}
