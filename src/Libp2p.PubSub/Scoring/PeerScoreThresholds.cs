namespace Libp2p.PubSub.Scoring;

/// <summary>
/// The score thresholds of gossipsub v1.1. Defaults are rust-libp2p's and js-libp2p's (-10 / -50 / -80 / 10 / 20).
/// </summary>
public sealed class PeerScoreThresholds
{
    /// <summary>Below it no gossip is emitted to the peer and its gossip is ignored. Must be &lt;= 0.</summary>
    public double GossipThreshold { get; set; } = -10;
    /// <summary>Below it our own messages are not (flood-)published to the peer. Must be &lt;= the gossip threshold.</summary>
    public double PublishThreshold { get; set; } = -50;
    /// <summary>Below it every RPC from the peer is ignored. Must be &lt;= the publish threshold.</summary>
    public double GraylistThreshold { get; set; } = -80;
    /// <summary>Peer exchange from a peer below it is ignored. Must be &gt;= 0.</summary>
    public double AcceptPxThreshold { get; set; } = 10;
    /// <summary>When the median mesh score is below it, better peers are grafted opportunistically. Must be &gt;= 0.</summary>
    public double OpportunisticGraftThreshold { get; set; } = 20;

    internal void Validate()
    {
        if (GossipThreshold > 0) throw new ArgumentException("GossipThreshold must be <= 0.");
        if (PublishThreshold > 0 || PublishThreshold > GossipThreshold) throw new ArgumentException("PublishThreshold must be <= 0 and <= GossipThreshold.");
        if (GraylistThreshold > 0 || GraylistThreshold > PublishThreshold) throw new ArgumentException("GraylistThreshold must be <= 0 and <= PublishThreshold.");
        if (AcceptPxThreshold < 0) throw new ArgumentException("AcceptPxThreshold must be >= 0.");
        if (OpportunisticGraftThreshold < 0) throw new ArgumentException("OpportunisticGraftThreshold must be >= 0.");
    }
}
