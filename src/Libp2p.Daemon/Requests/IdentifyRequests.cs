using Libp2p.Daemon.Control;
using Libp2p.Daemon.Pb;

namespace Libp2p.Daemon.Requests;

/// <summary>IDENTIFY: the daemon's peer id and listen addresses (without <c>/p2p</c>, as go and js answer).</summary>
internal sealed class IdentifyRequests : IRequestFamily
{
    public async ValueTask<RequestOutcome> HandleAsync(ControlSession session, Request request, CancellationToken ct)
    {
        var host = session.Daemon.Host;
        var identify = new IdentifyResponse { Id = Responses.Bytes(host.PeerId) };
        foreach (var a in host.ListenAddresses)
            identify.Addrs.Add(Responses.Bytes(a.WithoutPeerId()));
        var response = Responses.Ok();
        response.Identify = identify;
        await session.Control.WriteAsync(response, ct).ConfigureAwait(false);
        return RequestOutcome.Continue;
    }
}
