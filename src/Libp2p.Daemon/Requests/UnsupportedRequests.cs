using Libp2p.Daemon.Pb;

namespace Libp2p.Daemon.Requests;

/// <summary>
/// A request family whose protocol this build does not have yet: answered with an ERROR response that says so;
/// the connection goes on. DhtRequests and ConnManagerRequests start as this.
/// </summary>
internal class UnsupportedRequests(string what) : IRequestFamily
{
    public async ValueTask<RequestOutcome> HandleAsync(ControlSession session, Request request, CancellationToken ct)
    {
        await session.Control.WriteErrorAsync($"unsupported: {what}", ct).ConfigureAwait(false);
        return RequestOutcome.Continue;
    }
}
