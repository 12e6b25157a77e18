using Libp2p.Core;
using Libp2p.Daemon.Pb;

namespace Libp2p.Daemon.Requests;

/// <summary>DISCONNECT: closes every connection to the peer (none open is not an error, as in go's ClosePeer).</summary>
internal sealed class DisconnectRequests : IRequestFamily
{
    public async ValueTask<RequestOutcome> HandleAsync(ControlSession session, Request request, CancellationToken ct)
    {
        var daemon = session.Daemon;
        var peer = RequestFields.Peer(RequestFields.Require(request.Disconnect, "disconnect").Peer);
        using var deadline = new Deadline(daemon.Options.RequestTimeout, daemon.Host.TimeProvider, ct);
        foreach (var connection in daemon.Host.Connections.Where(c => c.RemotePeer == peer))
            await connection.CloseAsync(deadline.Token).ConfigureAwait(false);
        await session.Control.WriteOkAsync(ct).ConfigureAwait(false);
        return RequestOutcome.Continue;
    }
}
