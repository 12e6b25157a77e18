using Libp2p.Multiformats;

namespace Libp2p.Transports;

/// <summary>What a transport reports about its listeners (rust-libp2p's <c>TransportEvent</c>).</summary>
public abstract record TransportEvent(ListenerId ListenerId)
{
    /// <summary>A listener is reachable at <paramref name="Address"/> (the real port, one per interface for wildcards).</summary>
    public sealed record NewAddress(ListenerId ListenerId, Multiaddr Address) : TransportEvent(ListenerId);

    /// <summary>An address announced before is no longer served.</summary>
    public sealed record AddressExpired(ListenerId ListenerId, Multiaddr Address) : TransportEvent(ListenerId);

    /// <summary>A connection arrived on an announced address.</summary>
    public sealed record Incoming(ListenerId ListenerId, IRawConnection Connection, Multiaddr LocalAddress, Multiaddr RemoteAddress) : TransportEvent(ListenerId);

    /// <summary>The listener is gone; <paramref name="Reason"/> is null when it was removed on request.</summary>
    public sealed record ListenerClosed(ListenerId ListenerId, Exception? Reason) : TransportEvent(ListenerId);

    /// <summary>A non-fatal listener error (e.g. an accept failure); the listener keeps going after a backoff.</summary>
    public sealed record ListenerError(ListenerId ListenerId, Exception Error) : TransportEvent(ListenerId);
}
