using Libp2p.PubSub.Pb;
using Libp2p.PubSub.Scoring;

namespace Libp2p.PubSub.Routing;

/// <summary>
/// A routing policy (floodsub or gossipsub) over <see cref="RouterState"/>. Every call is made under the node's
/// lock and returns at once: whatever is sent goes to the peers' bounded queues.
/// </summary>
internal interface IPubSubRouter
{
    /// <summary>The protocols this router serves and proposes, best first.</summary>
    IReadOnlyList<string> Protocols { get; }

    void AddPeer(PubSubPeer peer);
    void RemovePeer(PubSubPeer peer);

    /// <summary>The peer left <paramref name="topic"/>.</summary>
    void OnPeerUnsubscribed(PubSubPeer peer, string topic);

    /// <summary>False when RPCs from the peer are to be ignored (graylisted).</summary>
    bool AcceptFrom(PubSubPeer peer);

    void HandleControl(PubSubPeer peer, ControlMessage control);

    /// <summary>A message arrived for the first time (signature checked) and goes to the validators.</summary>
    void OnValidating(PubSubMessage message);

    /// <summary>A message we had already seen arrived again from <paramref name="from"/>.</summary>
    void OnDuplicate(PubSubPeer from, string topic, MessageId id);

    /// <summary>A message passed validation: it is forwarded; false when it could not be held (its memory was refused) and was not.</summary>
    bool OnDelivered(PubSubMessage message);

    void OnRejected(PubSubMessage message, RejectReason reason);

    /// <summary>
    /// Sends a message we published (<c>ReceivedFrom</c> is us) or forwards one we accepted; false when the router could
    /// not hold it (gossipsub's message cache was refused its memory) and sent nothing.
    /// </summary>
    bool Publish(PubSubMessage message);

    /// <summary>Drops what the router caches (the node is disposed), returning its memory.</summary>
    void Clear();

    void Join(string topic);
    void Leave(string topic);

    void Heartbeat();

    /// <summary>A message for <paramref name="peer"/> did not fit in its queue: it is not keeping up.</summary>
    void OnSlowPeer(PubSubPeer peer);
}
