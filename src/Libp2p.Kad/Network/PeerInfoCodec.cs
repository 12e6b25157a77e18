using Google.Protobuf;
using Libp2p.Identity;
using Libp2p.Kad.Pb;
using Libp2p.Multiformats;

namespace Libp2p.Kad.Network;

/// <summary>A peer and its addresses, as carried in <c>closerPeers</c> and <c>providerPeers</c>.</summary>
public sealed record KadPeerInfo(PeerId Id, IReadOnlyList<Multiaddr> Addresses);

/// <summary>Converts the wire <c>Message.Peer</c> to <see cref="KadPeerInfo"/> and back, dropping what does not parse.</summary>
internal static class PeerInfoCodec
{
    public static Message.Types.Peer ToWire(PeerId id, IEnumerable<Multiaddr> addresses, int maxAddresses, bool connected)
    {
        var peer = new Message.Types.Peer
        {
            Id = ByteString.CopyFrom(id.Bytes),
            Connection = connected ? Message.Types.ConnectionType.Connected : Message.Types.ConnectionType.NotConnected,
        };
        foreach (var a in addresses.Take(maxAddresses))
            peer.Addrs.Add(ByteString.CopyFrom(a.WithoutPeerId().Bytes));
        return peer;
    }

    /// <summary>The peer, or null when its id is not a peer id; addresses that do not parse (or name another peer) are skipped.</summary>
    public static KadPeerInfo? FromWire(Message.Types.Peer wire, int maxAddresses)
    {
        if (!PeerId.TryFromBytes(wire.Id.Span, out var id)) return null;
        var addresses = new List<Multiaddr>();
        foreach (var bytes in wire.Addrs)
        {
            if (addresses.Count >= maxAddresses) break;
            if (!Multiaddr.TryFromBytes(bytes.Span, out var a)) continue;
            if (a.PeerId is { } named && named != id) continue;
            a = a.WithoutPeerId();
            if (!addresses.Contains(a)) addresses.Add(a);
        }
        return new KadPeerInfo(id, addresses);
    }
}
