using Libp2p.Daemon.Control;
using Libp2p.Daemon.Pb;
using Libp2p.PubSub;

namespace Libp2p.Daemon.Requests;

/// <summary>
/// PUBSUB (specs/PUBSUB.md), served by the daemon's <see cref="P2pDaemon.PubSub"/> as go-libp2p-daemon does:
/// GET_TOPICS answers the topics we subscribe to; LIST_PEERS the pubsub peers subscribed to <c>topic</c> (all pubsub
/// peers for the empty topic, as go's ListPeers(""); the field itself is required, as in go and js); PUBLISH publishes
/// <c>data</c> (absent is empty) to <c>topic</c>; SUBSCRIBE answers OK and then the connection streams one PSMessage
/// per message until the client closes it, which unsubscribes. Without a router every request is "unsupported".
/// </summary>
internal sealed class PubSubRequests : IRequestFamily
{
    public async ValueTask<RequestOutcome> HandleAsync(ControlSession session, Request request, CancellationToken ct)
    {
        var daemon = session.Daemon;
        if (daemon.PubSub is not { } pubsub)
        {
            await session.Control.WriteErrorAsync("unsupported: PUBSUB requests: this daemon runs no pubsub router (start it with --pubsub gossipsub|floodsub)", ct).ConfigureAwait(false);
            return RequestOutcome.Continue;
        }
        var ps = RequestFields.Require(request.Pubsub, "pubsub");
        switch (ps.Type)
        {
            case PSRequest.Types.Type.GetTopics:
            {
                var response = Responses.Ok();
                response.Pubsub = new PSResponse { Topics = { pubsub.Topics } };
                await session.Control.WriteAsync(response, ct).ConfigureAwait(false);
                return RequestOutcome.Continue;
            }
            case PSRequest.Types.Type.ListPeers:
            {
                string topic = Topic(ps, allowEmpty: true);
                var response = Responses.Ok();
                // Always present, even when empty: @libp2p/daemon-client treats a response without it as invalid.
                response.Pubsub = new PSResponse();
                foreach (var peer in pubsub.GetPeers(topic.Length == 0 ? null : topic))
                    response.Pubsub.PeerIDs.Add(Responses.Bytes(peer));
                await session.Control.WriteAsync(response, ct).ConfigureAwait(false);
                return RequestOutcome.Continue;
            }
            case PSRequest.Types.Type.Publish:
            {
                string topic = Topic(ps, allowEmpty: false);
                try
                {
                    await pubsub.PublishAsync(topic, ps.HasData ? ps.Data.Memory : ReadOnlyMemory<byte>.Empty, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is PubSubPublishException or ArgumentException)
                {
                    throw new BadRequestException($"publish to {topic} failed: {e.Message}");
                }
                await session.Control.WriteOkAsync(ct).ConfigureAwait(false);
                return RequestOutcome.Continue;
            }
            case PSRequest.Types.Type.Subscribe:
                return await SubscribeAsync(session, pubsub, Topic(ps, allowEmpty: false), ct).ConfigureAwait(false);
            default:
                throw new BadRequestException($"unsupported: PUBSUB request type {(int)ps.Type}");
        }
    }

    private static async ValueTask<RequestOutcome> SubscribeAsync(ControlSession session, Libp2p.PubSub.PubSub pubsub, string topic, CancellationToken ct)
    {
        var daemon = session.Daemon;
        if (!daemon.TryEnterSubscription())
            throw new BadRequestException($"too many subscriptions: this daemon streams at most {daemon.Options.MaxSubscriptions} at once");
        try
        {
            Subscription subscription;
            try { subscription = await pubsub.SubscribeAsync(topic, ct).ConfigureAwait(false); }
            catch (ArgumentException e) { throw new BadRequestException($"cannot subscribe to {topic}: {e.Message}"); }
            try
            {
                await session.Control.WriteOkAsync(ct).ConfigureAwait(false);
                session.HandOver();
                await daemon.StreamSubscriptionAsync(session.Control.Stream, subscription, ct).ConfigureAwait(false);
            }
            finally
            {
                await subscription.DisposeAsync().ConfigureAwait(false); // the last subscription of a topic leaves it
            }
            return RequestOutcome.Finished;
        }
        finally
        {
            daemon.ExitSubscription();
        }
    }

    private static string Topic(PSRequest ps, bool allowEmpty)
    {
        if (!ps.HasTopic) throw new BadRequestException("Malformed request; missing topic parameter");
        if (!allowEmpty && ps.Topic.Length == 0) throw new BadRequestException("invalid topic: empty");
        return ps.Topic;
    }
}
