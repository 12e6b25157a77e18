namespace Libp2p.PubSub;

/// <summary>Which router a node runs.</summary>
public enum PubSubRouterKind
{
    /// <summary>gossipsub v1.2 (also speaks v1.1, v1.0 and floodsub to peers that only know those). The default.</summary>
    GossipSub,

    /// <summary>floodsub: every message to every peer subscribed to its topic; speaks only <c>/floodsub/1.0.0</c>.</summary>
    FloodSub,
}
