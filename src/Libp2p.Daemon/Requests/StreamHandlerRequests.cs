using Libp2p.Daemon.Pb;

namespace Libp2p.Daemon.Requests;

/// <summary>
/// STREAM_HANDLER: inbound streams on these protocols go to the client listening at <c>addr</c>. A later request for
/// the same protocol replaces the address (specs/CONTROL.md: "this will overwrite that stream binding"). For each
/// inbound stream the daemon dials the address, writes the StreamInfo message (varint-delimited, not wrapped in a
/// Response) and pipes the stream.
/// </summary>
internal sealed class StreamHandlerRequests : IRequestFamily
{
    public async ValueTask<RequestOutcome> HandleAsync(ControlSession session, Request request, CancellationToken ct)
    {
        var daemon = session.Daemon;
        var handler = RequestFields.Require(request.StreamHandler, "streamHandler");
        var address = RequestFields.Address(handler.Addr);
        var protocols = RequestFields.Protocols(handler.Proto);
        if (!daemon.Endpoint.CanDial(address))
            throw new BadRequestException($"cannot reach a stream handler at {address} from this daemon's control endpoint");
        daemon.RegisterStreamHandler(protocols, address);
        await session.Control.WriteOkAsync(ct).ConfigureAwait(false);
        return RequestOutcome.Continue;
    }
}
