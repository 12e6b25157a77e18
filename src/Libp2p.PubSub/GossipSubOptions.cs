namespace Libp2p.PubSub;

/// <summary>
/// The gossipsub router's parameters. Defaults are go-libp2p-pubsub's (gossipsub.go), which the gossipsub v1.0/v1.1
/// specs recommend; where js-libp2p differs (D_lo 4 there, 5 here) interop is unaffected.
/// </summary>
public sealed class GossipSubOptions
{
    /// <summary>Target mesh degree D.</summary>
    public int D { get; set; } = 6;
    /// <summary>Below this many mesh peers the heartbeat grafts up to D.</summary>
    public int DLow { get; set; } = 5;
    /// <summary>Above this many mesh peers the heartbeat prunes down to D.</summary>
    public int DHigh { get; set; } = 12;
    /// <summary>Mesh peers kept by score when pruning (the rest of the D are random).</summary>
    public int DScore { get; set; } = 4;
    /// <summary>Outbound connections kept in the mesh (below D_lo, at most D/2).</summary>
    public int DOut { get; set; } = 2;
    /// <summary>Minimum number of peers gossip (IHAVE) is emitted to per topic and heartbeat.</summary>
    public int DLazy { get; set; } = 6;
    /// <summary>Fraction of eligible peers gossip goes to when that is more than D_lazy.</summary>
    public double GossipFactor { get; set; } = 0.25;

    /// <summary>Heartbeats a message stays in the message cache (answers IWANT).</summary>
    public int HistoryLength { get; set; } = 5;
    /// <summary>Heartbeats whose message ids are advertised in IHAVE.</summary>
    public int HistoryGossip { get; set; } = 3;
    /// <summary>How often one peer may get the same message through IWANT.</summary>
    public int GossipRetransmission { get; set; } = 3;

    /// <summary>Delay before the first heartbeat.</summary>
    public TimeSpan HeartbeatInitialDelay { get; set; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Time between heartbeats (mesh maintenance, gossip, score decay).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A fanout set (topic we publish to without subscribing) is forgotten after this long without publishing.</summary>
    public TimeSpan FanoutTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Backoff after a PRUNE before the pair may graft again (told to the peer in v1.1 PRUNEs).</summary>
    public TimeSpan PruneBackoff { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Backoff announced in the PRUNE we send when we leave a topic.</summary>
    public TimeSpan UnsubscribeBackoff { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>A GRAFT this soon after our PRUNE earns an extra behaviour penalty (graft flooding).</summary>
    public TimeSpan GraftFloodThreshold { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Expired backoffs are cleared every this many heartbeats.</summary>
    public int BackoffClearTicks { get; set; } = 15;

    /// <summary>Emit peer exchange in PRUNEs (to peers with a non-negative score).</summary>
    public bool DoPeerExchange { get; set; } = true;
    /// <summary>Peers offered in one PRUNE, and peers we connect to from one.</summary>
    public int PrunePeers { get; set; } = 16;
    /// <summary>Connection attempts to exchanged peers running at once.</summary>
    public int MaxPendingPxConnections { get; set; } = 8;

    /// <summary>Flood our own messages to every topic peer above the publish threshold (v1.1).</summary>
    public bool FloodPublish { get; set; } = true;

    /// <summary>Try opportunistic grafting every this many heartbeats.</summary>
    public int OpportunisticGraftTicks { get; set; } = 60;
    /// <summary>Peers grafted opportunistically each time.</summary>
    public int OpportunisticGraftPeers { get; set; } = 2;

    /// <summary>Message ids accepted per IHAVE round (per peer and heartbeat) and per IWANT we send.</summary>
    public int MaxIHaveLength { get; set; } = 5000;
    /// <summary>IHAVE messages accepted per peer and heartbeat.</summary>
    public int MaxIHaveMessages { get; set; } = 10;
    /// <summary>Messages we send a peer in answer to IWANT per heartbeat (beyond it IWANTs are ignored).</summary>
    public int MaxIWantRepliesPerHeartbeat { get; set; } = 5000;
    /// <summary>A promised message (IWANT after IHAVE) not delivered within this earns the advertiser a behaviour penalty.</summary>
    public TimeSpan IWantFollowupTime { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Messages whose data is at least this large make us send IDONTWANT to our mesh peers (v1.2).</summary>
    public int IDontWantMessageThreshold { get; set; } = 1024;
    /// <summary>IDONTWANT control messages accepted per peer and heartbeat.</summary>
    public int MaxIDontWantMessages { get; set; } = 1000;
    /// <summary>Message ids taken from one IDONTWANT.</summary>
    public int MaxIDontWantLength { get; set; } = 10;
    /// <summary>Heartbeats an IDONTWANT id is remembered.</summary>
    public int IDontWantTtlHeartbeats { get; set; } = 3;

    /// <summary>Explicit peering agreements (gossipsub v1.1): always sent every message, never in a mesh.</summary>
    public ISet<Libp2p.Identity.PeerId> DirectPeers { get; } = new HashSet<Libp2p.Identity.PeerId>();

    internal void Validate()
    {
        if (D < 0 || DLow < 0 || DHigh < 0) throw new ArgumentException("D, D_lo and D_hi must not be negative.");
        if (!(DLow <= D && D <= DHigh)) throw new ArgumentException($"gossipsub needs D_lo <= D <= D_hi (got {DLow}, {D}, {DHigh}).");
        if (DScore < 0 || DScore > DHigh) throw new ArgumentException($"D_score must be between 0 and D_hi (got {DScore}).");
        if (DOut < 0 || (D > 0 && (DOut >= DLow || DOut > D / 2))) throw new ArgumentException($"D_out must be below D_lo and at most D/2 (got {DOut}).");
        if (HistoryGossip > HistoryLength || HistoryLength < 1) throw new ArgumentException("HistoryGossip must be at most HistoryLength, which must be positive.");
        if (HeartbeatInterval <= TimeSpan.Zero) throw new ArgumentException("HeartbeatInterval must be positive.");
        if (GossipFactor is < 0 or > 1) throw new ArgumentException("GossipFactor must be between 0 and 1.");
    }
}
