using Libp2p.Daemon.Control;
using Libp2p.Daemon.Pb;

namespace Libp2p.Daemon.Requests;

/// <summary>
/// PEERSTORE (specs/PEERSTORE.md), from the host's peer store: GET_PROTOCOLS answers the protocols the peer announced
/// over identify, GET_PEER_INFO its known addresses. The spec's ADD_PROTOCOLS is not in the schema
/// @libp2p/daemon-protocol ships (there, type 0 is UNSPECIFIED) and is refused like any other type.
/// </summary>
internal sealed class PeerstoreRequests : IRequestFamily
{
    public async ValueTask<RequestOutcome> HandleAsync(ControlSession session, Request request, CancellationToken ct)
    {
        var peerStore = RequestFields.Require(request.PeerStore, "peerStore");
        var store = session.Daemon.Host.PeerStore;
        var peer = RequestFields.Peer(peerStore.Id, "id");
        var answer = new PeerstoreResponse();
        switch (peerStore.Type)
        {
            case PeerstoreRequest.Types.Type.GetProtocols:
                answer.Protos.AddRange(store.GetProtocols(peer));
                break;
            case PeerstoreRequest.Types.Type.GetPeerInfo:
                answer.Peer = new PeerInfo { Id = Responses.Bytes(peer) };
                foreach (var a in store.GetAddresses(peer))
                    answer.Peer.Addrs.Add(Responses.Bytes(a.WithoutPeerId()));
                break;
            default:
                throw new BadRequestException($"unsupported: PEERSTORE request type {(int)peerStore.Type}");
        }
        var response = Responses.Ok();
        response.PeerStore = answer;
        await session.Control.WriteAsync(response, ct).ConfigureAwait(false);
        return RequestOutcome.Continue;
    }
}
