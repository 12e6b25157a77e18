namespace Libp2p.PubSub;

/// <summary>The pubsub protocol ids and what each one can do.</summary>
public static class PubSubProtocols
{
    /// <summary>floodsub.</summary>
    public const string FloodSub = "/floodsub/1.0.0";
    /// <summary>gossipsub v1.0.</summary>
    public const string MeshSubV10 = "/meshsub/1.0.0";
    /// <summary>gossipsub v1.1 (peer exchange, backoff, scoring).</summary>
    public const string MeshSubV11 = "/meshsub/1.1.0";
    /// <summary>gossipsub v1.2 (IDONTWANT).</summary>
    public const string MeshSubV12 = "/meshsub/1.2.0";

    /// <summary>What a gossipsub node proposes, best first (go-libp2p-pubsub's GossipSubDefaultProtocols).</summary>
    public static readonly IReadOnlyList<string> GossipSub = [MeshSubV12, MeshSubV11, MeshSubV10, FloodSub];

    /// <summary>GRAFT/PRUNE/IHAVE/IWANT: every meshsub version.</summary>
    public static bool SupportsMesh(string protocol) => protocol is MeshSubV10 or MeshSubV11 or MeshSubV12;

    /// <summary>PRUNE with peer exchange and backoff (v1.1 and later).</summary>
    public static bool SupportsPeerExchange(string protocol) => protocol is MeshSubV11 or MeshSubV12;

    /// <summary>IDONTWANT (v1.2).</summary>
    public static bool SupportsIDontWant(string protocol) => protocol is MeshSubV12;
}
