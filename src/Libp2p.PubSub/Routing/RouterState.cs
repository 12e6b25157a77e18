using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.PubSub.Caches;
using Libp2p.PubSub.Scoring;

namespace Libp2p.PubSub.Routing;

/// <summary>
/// What the routers share with the pubsub node: the peers, who subscribes to what, our own subscriptions, the
/// seen cache, the score, the clock and the randomness. Everything here is guarded by one lock (the node's), so the
/// routers are plain state machines that tests drive directly on a fake clock.
/// </summary>
internal sealed class RouterState
{
    public RouterState(PeerId self, PubSubOptions options, TimeProvider time, IResourceScope? memory = null)
    {
        Self = self;
        Options = options;
        Time = time;
        Memory = memory;
        Random = options.Random ?? new Random();
        Seen = new SeenCache(time, options.SeenTtl, options.MaxSeenMessages, memory);
        if (options.Router == PubSubRouterKind.GossipSub && options.Score is { } score)
            Score = new PeerScore(score, time, options.SeenTtl, options.MaxSeenMessages);
    }

    public PeerId Self { get; }

    /// <summary>Pubsub's service scope in the host's resource manager (null in router tests): the caches reserve there.</summary>
    public IResourceScope? Memory { get; }
    public PubSubOptions Options { get; }
    public TimeProvider Time { get; }
    public Random Random { get; }
    public SeenCache Seen { get; }
    public PeerScore? Score { get; }

    public readonly Dictionary<PeerId, PubSubPeer> Peers = new();

    /// <summary>Peers subscribed to each topic (as they told us).</summary>
    public readonly Dictionary<string, HashSet<PeerId>> TopicPeers = new(StringComparer.Ordinal);

    /// <summary>Topics we subscribe to.</summary>
    public readonly HashSet<string> MySubscriptions = new(StringComparer.Ordinal);

    /// <summary>Connect to a peer learned through peer exchange (set by the node; ignored in tests).</summary>
    public Action<PeerId>? ConnectToPeer { get; set; }

    public double ScoreOf(PeerId peer) => Score?.Score(peer) ?? 0;

    public IEnumerable<PubSubPeer> PeersIn(string topic)
    {
        if (!TopicPeers.TryGetValue(topic, out var ids)) yield break;
        foreach (var id in ids)
            if (Peers.TryGetValue(id, out var p)) yield return p;
    }

    public void Shuffle<T>(IList<T> list)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = Random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
