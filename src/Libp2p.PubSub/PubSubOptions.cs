using Libp2p.PubSub.Scoring;

namespace Libp2p.PubSub;

/// <summary>
/// Everything a <see cref="PubSub"/> node is built from. Every limit here bounds what a peer can make us hold;
/// docs/pubsub.md lists them with who pays and what the peer sees.
/// </summary>
public sealed class PubSubOptions
{
    /// <summary>The router: gossipsub (default) or floodsub.</summary>
    public PubSubRouterKind Router { get; set; } = PubSubRouterKind.GossipSub;

    /// <summary>Whether published messages are signed and received ones must be (StrictSign, default) or carry no author at all (StrictNoSign).</summary>
    public SignaturePolicy SignaturePolicy { get; set; } = SignaturePolicy.StrictSign;

    /// <summary>The message-id function; null: <see cref="MessageIdFunctions.FromAndSeqno"/> (StrictSign) or <see cref="MessageIdFunctions.ContentHash"/> (StrictNoSign).</summary>
    public MessageIdFunction? MessageId { get; set; }

    /// <summary>How long a seen message id is remembered (duplicates within it are dropped). go and js: 2 minutes.</summary>
    public TimeSpan SeenTtl { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>At most this many seen ids are remembered (the oldest go first).</summary>
    public int MaxSeenMessages { get; set; } = 262_144;

    /// <summary>Largest RPC frame read or written (go's default max message size, 1 MiB); a larger publish fails.</summary>
    public int MaxMessageSize { get; set; } = 1 << 20;

    /// <summary>Topics one peer may be subscribed to in our view; further subscriptions are ignored.</summary>
    public int MaxSubscriptionsPerPeer { get; set; } = 1024;

    /// <summary>Longest topic name accepted (UTF-8 bytes); subscriptions and messages with longer ones are ignored.</summary>
    public int MaxTopicLength { get; set; } = 1024;

    /// <summary>Topics we track (subscribed by us or by any peer); subscriptions to new topics beyond it are ignored.</summary>
    public int MaxTopics { get; set; } = 16_384;

    /// <summary>Control entries (IHAVE + IWANT + GRAFT + PRUNE + IDONTWANT) handled from one RPC; the rest are ignored and the peer penalized.</summary>
    public int MaxControlMessagesPerRpc { get; set; } = 1024;

    /// <summary>Messages handled from one RPC; the rest are ignored.</summary>
    public int MaxMessagesPerRpc { get; set; } = 1024;

    /// <summary>
    /// Bytes of messages queued for one peer that has not read them yet. Past it further messages for that peer are
    /// dropped and the peer is pruned from every mesh (a slow peer never grows our memory).
    /// </summary>
    public int MaxQueuedBytesPerPeer { get; set; } = 4 << 20;

    /// <summary>Control frames (subscriptions, GRAFT/PRUNE/IHAVE/IWANT) queued for one peer; past it the peer's stream is reset.</summary>
    public int MaxQueuedControlFramesPerPeer { get; set; } = 1024;

    /// <summary>Time one validation (all validators of a message) may take; past it the message is ignored without penalty.</summary>
    public TimeSpan ValidationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Asynchronous validations running at once over all peers; beyond it messages are dropped without penalty (go: validation throttled).</summary>
    public int MaxConcurrentValidations { get; set; } = 1024;

    /// <summary>Messages waiting in one subscription for the application to read; past it the newest are dropped (counted in <see cref="Subscription.Dropped"/>).</summary>
    public int SubscriptionBufferSize { get; set; } = 1024;

    /// <summary>Deliver our own published messages to our own subscriptions (go does; js's emitSelf is off by default).</summary>
    public bool DeliverOwnMessages { get; set; } = true;

    /// <summary>The gossipsub parameters (D, heartbeat, gossip, backoff, ...); unused by floodsub.</summary>
    public GossipSubOptions GossipSub { get; set; } = new();

    /// <summary>Peer scoring parameters (gossipsub only); null turns scoring off (every score is 0).</summary>
    public PeerScoreParams? Score { get; set; } = new();

    /// <summary>The score thresholds below which a peer is not gossiped with, not published to, or ignored (graylisted).</summary>
    public PeerScoreThresholds Thresholds { get; set; } = new();

    /// <summary>The randomness of peer selection; a seeded one makes a router deterministic in tests.</summary>
    public Random? Random { get; set; }

    internal void Validate()
    {
        if (MaxMessageSize < 1024) throw new ArgumentException("MaxMessageSize must be at least 1 KiB.");
        if (MaxQueuedBytesPerPeer < MaxMessageSize) throw new ArgumentException("MaxQueuedBytesPerPeer must hold at least one message of MaxMessageSize.");
        if (SeenTtl <= TimeSpan.Zero) throw new ArgumentException("SeenTtl must be positive.");
        if (ValidationTimeout <= TimeSpan.Zero) throw new ArgumentException("ValidationTimeout must be positive.");
        foreach (var (name, v) in new[] { ("MaxSeenMessages", MaxSeenMessages), ("MaxSubscriptionsPerPeer", MaxSubscriptionsPerPeer), ("MaxTopicLength", MaxTopicLength),
                     ("MaxTopics", MaxTopics), ("MaxControlMessagesPerRpc", MaxControlMessagesPerRpc), ("MaxMessagesPerRpc", MaxMessagesPerRpc),
                     ("MaxQueuedControlFramesPerPeer", MaxQueuedControlFramesPerPeer), ("MaxConcurrentValidations", MaxConcurrentValidations), ("SubscriptionBufferSize", SubscriptionBufferSize) })
            if (v < 1) throw new ArgumentException($"{name} must be positive.");
        GossipSub.Validate();
        Score?.Validate();
        Thresholds.Validate();
    }
}
