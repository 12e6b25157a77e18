namespace Libp2p.Host.Resources;

/// <summary>What the node holds right now, as the resource manager counts it.</summary>
public sealed record ResourceUsage(
    int PendingInbound, int ConnectionsInbound, int ConnectionsOutbound, int StreamsInbound, int StreamsOutbound,
    long Memory, int Addresses, int Peers, long Refusals);
