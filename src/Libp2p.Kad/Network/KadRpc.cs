using Libp2p.Core;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Kad.Pb;

namespace Libp2p.Kad.Network;

/// <summary>
/// The requesting side of the wire protocol: a new stream per request (the spec's "open, send, read, close"; js does
/// the same), bounded by the request timeout from dial to answer.
/// </summary>
internal sealed class KadRpc(Libp2pHost host, string protocol, int maxMessageSize, TimeSpan timeout)
{
    private readonly string[] _protocols = [protocol];

    /// <summary>Sends <paramref name="request"/> and returns the answer.</summary>
    public async Task<Message> RequestAsync(PeerId peer, Message request, CancellationToken ct)
    {
        using var deadline = new Deadline(timeout, host.TimeProvider, ct);
        IDuplexStream? stream = null;
        try
        {
            stream = await host.NewStreamAsync(peer, _protocols, deadline.Token).ConfigureAwait(false);
            await MessageFraming.WriteAsync(stream, request, maxMessageSize, deadline.Token).ConfigureAwait(false);
            var response = await MessageFraming.ReadAsync(stream, maxMessageSize, deadline.Token).ConfigureAwait(false)
                ?? throw new KadProtocolException($"{peer} closed the stream without answering {request.Type}.");
            if (response.Type != request.Type)
                throw new KadProtocolException($"{peer} answered {request.Type} with {response.Type}.");
            _ = CloseAsync(stream); // the answer is ours; the polite close goes on without us
            stream = null;
            return response;
        }
        catch (OperationCanceledException e) when (deadline.Expired && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{peer} did not answer {request.Type} within {timeout.TotalSeconds:0.###} s.", e);
        }
        finally
        {
            if (stream is not null)
            {
                stream.Abort();
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Sends a message that has no answer (ADD_PROVIDER) and waits for the peer to end the stream, which it does only
    /// after reading the message: js-libp2p 16 closes it, or resets it when its next read finds our end of stream
    /// (both mean it took the message); go reads to our end and closes.
    /// </summary>
    public async Task SendAsync(PeerId peer, Message message, CancellationToken ct)
    {
        using var deadline = new Deadline(timeout, host.TimeProvider, ct);
        IDuplexStream? stream = null;
        try
        {
            stream = await host.NewStreamAsync(peer, _protocols, deadline.Token).ConfigureAwait(false);
            await MessageFraming.WriteAsync(stream, message, maxMessageSize, deadline.Token).ConfigureAwait(false);
            await stream.CloseWriteAsync(deadline.Token).ConfigureAwait(false);
            var sink = new byte[64];
            try
            {
                while (await stream.ReadAsync(sink, deadline.Token).ConfigureAwait(false) > 0) { }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Reset after our message was written and closed: the peer read it and hung up (js does this).
            }
            await stream.DisposeAsync().ConfigureAwait(false);
            stream = null;
        }
        catch (OperationCanceledException e) when (deadline.Expired && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{peer} did not take {message.Type} within {timeout.TotalSeconds:0.###} s.", e);
        }
        finally
        {
            if (stream is not null)
            {
                stream.Abort();
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // Half-close and wait (briefly) for the peer's end, so disposing does not reset a stream the peer closes cleanly.
    private async Task CloseAsync(IDuplexStream stream)
    {
        try
        {
            using var deadline = new Deadline(timeout, host.TimeProvider);
            await stream.CloseWriteAsync(deadline.Token).ConfigureAwait(false);
            var sink = new byte[64];
            while (await stream.ReadAsync(sink, deadline.Token).ConfigureAwait(false) > 0) { }
        }
        catch (Exception)
        {
            stream.Abort(); // the peer reset or kept it open: nothing more to learn from it
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
