using System.Net;
using Libp2p.Identity;
using Libp2p.PubSub.Pb;

namespace Libp2p.PubSub.Routing;

/// <summary>Where a router's RPCs for one peer go: the peer's bounded outbound queue (or a recorder in tests).</summary>
internal interface IPeerOutbound
{
    /// <summary>Queues a control/subscription RPC; false when the control lane is full (the peer's stream is then reset).</summary>
    bool TrySendControl(RPC rpc);

    /// <summary>Queues a message; false when the peer's queued bytes are at their bound (the peer is slow).</summary>
    bool TrySendMessage(PubSubMessage message);
}

/// <summary>A peer that speaks pubsub with us, as the routers see it. Guarded by the router's lock.</summary>
internal sealed class PubSubPeer(PeerId id, string protocol, bool isOutbound, IPAddress? ip, IPeerOutbound outbound)
{
    public PeerId Id { get; } = id;

    /// <summary>The protocol we speak to it (what our outbound stream negotiated, else what it opened to us).</summary>
    public string Protocol { get; set; } = protocol;

    /// <summary>We dialed the connection (gossipsub v1.1's outbound quota D_out counts these).</summary>
    public bool IsOutbound { get; } = isOutbound;

    public IPAddress? Ip { get; } = ip;

    public IPeerOutbound Outbound { get; set; } = outbound;

    /// <summary>Topics it told us it subscribes to (bounded by <see cref="PubSubOptions.MaxSubscriptionsPerPeer"/>).</summary>
    public HashSet<string> Topics { get; } = new(StringComparer.Ordinal);

    // Per-heartbeat counters (gossipsub's spam bounds), reset by the heartbeat.
    public int IHavesReceived;
    public int IdsAsked;
    public int IDontWantsReceived;
    public int IWantReplies;

    /// <summary>Message ids the peer said it does not want (IDONTWANT), with the heartbeats left to remember them.</summary>
    public readonly Dictionary<MessageId, int> DontWant = new();

    public bool SpeaksMesh => PubSubProtocols.SupportsMesh(Protocol);

    public override string ToString() => $"{Id} ({Protocol})";
}
