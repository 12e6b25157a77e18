using Libp2p.Core;
using Libp2p.Daemon.Control;
using Libp2p.Daemon.Pb;

namespace Libp2p.Daemon.Requests;

/// <summary>
/// STREAM_OPEN: a stream to the peer on the first of the protocols it supports (dialing the addresses the peer store
/// knows when not connected), an OK response with its StreamInfo, and then the control connection is that stream: bytes are
/// piped both ways, each end-of-stream passed on as a half-close, until both directions ended.
/// </summary>
internal sealed class StreamOpenRequests : IRequestFamily
{
    public async ValueTask<RequestOutcome> HandleAsync(ControlSession session, Request request, CancellationToken ct)
    {
        var daemon = session.Daemon;
        var open = RequestFields.Require(request.StreamOpen, "streamOpen");
        var peer = RequestFields.Peer(open.Peer);
        var protocols = RequestFields.Protocols(open.Proto);
        if (!daemon.TryEnterPipe())
            throw new BadRequestException($"too many piped streams: this daemon pipes at most {daemon.Options.MaxPipedStreams} at once");
        try
        {
            IDuplexStream stream;
            string protocol;
            Host.Connection connection;
            using (var deadline = new Deadline(RequestFields.Timeout(open.HasTimeout, open.Timeout, daemon.Options), daemon.Host.TimeProvider, ct))
            {
                connection = daemon.Host.FindConnection(peer) ?? await daemon.ConnectAsync(peer, [], deadline).ConfigureAwait(false);
                (stream, protocol) = await connection.OpenNegotiatedStreamAsync(protocols, deadline.Token).ConfigureAwait(false);
            }
            await using (stream.ConfigureAwait(false))
            {
                var response = Responses.Ok();
                response.StreamInfo = Responses.StreamInfo(connection, protocol);
                await session.Control.WriteAsync(response, ct).ConfigureAwait(false);
                session.HandOver();
                await daemon.PipeAsync(session.Control.Stream, stream, (stream as Host.IScopedStream)?.Resources, protocol, ct).ConfigureAwait(false);
            }
            return RequestOutcome.Finished;
        }
        finally
        {
            daemon.ExitPipe();
        }
    }
}
