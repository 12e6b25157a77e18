namespace Libp2p.Kad;

/// <summary>Whether a node answers DHT queries.</summary>
public enum KadMode
{
    /// <summary>Serves the protocol (announced over identify), so other nodes add it to their routing tables.</summary>
    Server,

    /// <summary>
    /// Only queries: the protocol is not served nor announced, so no other node adds it to its routing table
    /// (a node behind a NAT, inside a sandbox, or a one-shot command).
    /// </summary>
    Client,
}
