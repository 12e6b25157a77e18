using Libp2p.PubSub.Pb;
using Libp2p.PubSub.Scoring;

namespace Libp2p.PubSub.Routing;

/// <summary>
/// floodsub (<c>/floodsub/1.0.0</c>): every accepted message goes to every peer subscribed to its topic, except the
/// peer it came from and its author. No control messages, no scoring (go-libp2p-pubsub floodsub.go).
/// </summary>
internal sealed class FloodSubRouter(RouterState state) : IPubSubRouter
{
    public IReadOnlyList<string> Protocols { get; } = [PubSubProtocols.FloodSub];

    public void AddPeer(PubSubPeer peer) { }
    public void RemovePeer(PubSubPeer peer) { }
    public void OnPeerUnsubscribed(PubSubPeer peer, string topic) { }
    public bool AcceptFrom(PubSubPeer peer) => true;
    public void HandleControl(PubSubPeer peer, ControlMessage control) { }
    public void OnValidating(PubSubMessage message) { }
    public void OnDuplicate(PubSubPeer from, string topic, MessageId id) { }
    public bool OnDelivered(PubSubMessage message) => Publish(message);
    public void OnRejected(PubSubMessage message, RejectReason reason) { }
    public void Join(string topic) { }
    public void Leave(string topic) { }
    public void Heartbeat() { }
    public void OnSlowPeer(PubSubPeer peer) { }
    public void Clear() { } // floodsub caches nothing

    public bool Publish(PubSubMessage message)
    {
        foreach (var peer in state.PeersIn(message.Topic))
        {
            if (peer.Id == message.ReceivedFrom || peer.Id == message.From) continue;
            peer.Outbound.TrySendMessage(message); // a full queue drops it: floodsub has nothing better to offer
        }
        return true;
    }
}
