using Libp2p.Core;
using Libp2p.Daemon.Pb;
using Libp2p.Host;

namespace Libp2p.Daemon.Requests;

/// <summary>
/// CONNECT: a connection to the peer at one of the given addresses (tried in order; an open connection to the peer
/// is enough). The addresses go to the host's peer store, so a later STREAM_OPEN can dial the peer again, as go's
/// daemon keeps them in its peerstore.
/// </summary>
internal sealed class ConnectRequests : IRequestFamily
{
    public async ValueTask<RequestOutcome> HandleAsync(ControlSession session, Request request, CancellationToken ct)
    {
        var daemon = session.Daemon;
        var connect = RequestFields.Require(request.Connect, "connect");
        var peer = RequestFields.Peer(connect.Peer);
        if (peer == daemon.Host.PeerId)
            throw new BadRequestException($"cannot connect to {peer}: that is this daemon's own peer id");
        var addresses = connect.Addrs.Select(a => RequestFields.Address(a, "address")).ToList();
        daemon.Host.PeerStore.AddAddresses(peer, addresses, PeerStore.RecentlyConnectedTtl);

        using var deadline = new Deadline(RequestFields.Timeout(connect.HasTimeout, connect.Timeout, daemon.Options), daemon.Host.TimeProvider, ct);
        await daemon.ConnectAsync(peer, addresses, deadline).ConfigureAwait(false);
        await session.Control.WriteOkAsync(ct).ConfigureAwait(false);
        return RequestOutcome.Continue;
    }
}
