using Google.Protobuf;
using Libp2p.Identity;
using Libp2p.Kad.Network;
using Libp2p.Kad.Pb;

namespace Libp2p.Kad;

// The requesting side: every request goes through here, so that answers fill the routing table and failures empty it.
public sealed partial class KadDht
{
    /// <summary>
    /// One request to one peer, bounded by <see cref="KadOptions.RequestTimeout"/> and the DHT's life — not by the
    /// lookup that asked: a lookup may stop waiting, but the request still ends in a verdict on the peer.
    /// </summary>
    internal async Task<Message> RequestAsync(PeerId peer, Message request)
    {
        EnsureDialable(peer);
        long started = Time.GetTimestamp();
        try
        {
            var response = await _rpc.RequestAsync(peer, request, _shutdown.Token).ConfigureAwait(false);
            _latency.Add(Time.GetElapsedTime(started));
            OnAnswered(peer);
            return response;
        }
        catch (Exception e) when (!_shutdown.IsCancellationRequested)
        {
            OnFailed(peer, request.Type, e);
            throw;
        }
    }

    internal async Task SendAsync(PeerId peer, Message message)
    {
        EnsureDialable(peer);
        try
        {
            await _rpc.SendAsync(peer, message, _shutdown.Token).ConfigureAwait(false);
            OnAnswered(peer);
        }
        catch (Exception e) when (!_shutdown.IsCancellationRequested)
        {
            OnFailed(peer, message.Type, e);
            throw;
        }
    }

    // It answered on the DHT protocol, so it is a server that is up: into the table, or seen just now.
    private void OnAnswered(PeerId peer)
    {
        if (!RoutingTable.MarkSeen(peer)) TryAddToTable(peer);
    }

    // A peer that fails requests leaves the table (it comes back when it answers again). go removes it at the first
    // failure; we wait for a second one in a row, so that one request lost to a busy peer or a busy machine does not
    // empty a small table.
    private void OnFailed(PeerId peer, Message.Types.MessageType type, Exception e)
    {
        _log.RequestFailed(type.ToString(), peer, e);
        if (RoutingTable.RecordFailure(peer, limit: 2)) _log.TableChanged(peer, $"removed: {e.Message}");
    }

    /// <summary>The closer peers of an answer, with their addresses recorded in the peer store; ourselves and unusable entries dropped.</summary>
    internal List<KadPeerInfo> LearnPeers(IEnumerable<Message.Types.Peer> wire)
    {
        var peers = new List<KadPeerInfo>();
        foreach (var w in wire)
        {
            if (peers.Count >= 4 * Options.BucketSize) break; // an answer naming hundreds of peers gets the first few
            var info = PeerInfoCodec.FromWire(w, Options.MaxAddressesPerPeer);
            if (info is null || info.Id == PeerId) continue;
            if (info.Addresses.Count > 0)
                _host.PeerStore.AddAddresses(info.Id, info.Addresses, Options.LearnedAddressTtl);
            else if (_host.PeerStore.GetAddresses(info.Id).Count == 0 && _host.FindConnection(info.Id) is null)
                continue; // nothing to dial it with
            peers.Add(info);
        }
        return peers;
    }

    internal static Message NewMessage(Message.Types.MessageType type, ReadOnlySpan<byte> key) =>
        new() { Type = type, Key = ByteString.CopyFrom(key) };
}
