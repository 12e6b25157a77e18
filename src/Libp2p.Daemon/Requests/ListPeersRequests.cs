using Libp2p.Daemon.Control;
using Libp2p.Daemon.Pb;
using Libp2p.Identity;

namespace Libp2p.Daemon.Requests;

/// <summary>
/// LIST_PEERS: one entry per connected peer with the address of its first open connection. go's daemon lists one
/// entry per connection (a peer twice when it has two); js's lists each peer once, and so do we.
/// </summary>
internal sealed class ListPeersRequests : IRequestFamily
{
    public async ValueTask<RequestOutcome> HandleAsync(ControlSession session, Request request, CancellationToken ct)
    {
        var response = Responses.Ok();
        var seen = new HashSet<PeerId>();
        foreach (var connection in session.Daemon.Host.Connections)
        {
            if (connection.IsClosed || !seen.Add(connection.RemotePeer)) continue;
            var info = new PeerInfo { Id = Responses.Bytes(connection.RemotePeer) };
            info.Addrs.Add(Responses.Bytes(connection.RemoteAddress.WithoutPeerId()));
            response.Peers.Add(info);
        }
        await session.Control.WriteAsync(response, ct).ConfigureAwait(false);
        return RequestOutcome.Continue;
    }
}
