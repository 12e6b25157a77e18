namespace Libp2p.Host.Resources;

/// <summary>
/// A place that pays for what peers make the node hold: the node, a peer, a connection, a stream or a protocol.
/// Memory reserved in a scope is charged to it and to every scope above it (a stream's to its protocol, connection,
/// peer, remote address and the node), and is refused when any of them would go over its limit. Protocol packages
/// reserve here before they buffer on a peer's behalf, and release when the buffer drains.
/// </summary>
public interface IResourceScope
{
    /// <summary>"node", "address 203.0.113.7", "peer 12D3Koo…", "connection …", "stream 5 of …", "protocol /x/1".</summary>
    string Name { get; }

    /// <summary>Bytes reserved in this scope now (its own and those of the scopes below it).</summary>
    long MemoryUsed { get; }

    /// <summary>This scope's own limit (scopes above it may refuse earlier).</summary>
    long MemoryLimit { get; }

    /// <summary>
    /// True once the stream or connection the scope belongs to is gone (it gave back everything it held): reservations
    /// are refused without that being a limit hit (not counted, not logged), releases are ignored. The node, address,
    /// peer, protocol and service scopes never close.
    /// </summary>
    bool IsClosed { get; }

    /// <summary>Reserves <paramref name="bytes"/> in this scope and all above it, or nothing; false when a limit is hit (the refusal is counted and logged).</summary>
    bool TryReserveMemory(long bytes);

    /// <summary>Like <see cref="TryReserveMemory"/>, but throws <see cref="ResourceLimitExceededException"/> naming the limit.</summary>
    void ReserveMemory(long bytes);

    /// <summary>Returns bytes reserved earlier (when the buffer they paid for drains or is returned).</summary>
    void ReleaseMemory(long bytes);
}
