using Libp2p.Multiformats;
using Libp2p.Transports;

namespace Libp2p.Host;

/// <summary>What a host reports: listen addresses coming and going, connections opening and closing.</summary>
public abstract record HostEvent
{
    /// <summary>A listener announced an address (the real one: never <c>/tcp/0</c>).</summary>
    /// <param name="ListenerId">The listener.</param>
    /// <param name="Address">The address, ending in <c>/p2p/</c> and our peer id.</param>
    public sealed record ListenAddressAdded(ListenerId ListenerId, Multiaddr Address) : HostEvent;

    /// <summary>A listener no longer listens on an address.</summary>
    /// <param name="ListenerId">The listener.</param>
    /// <param name="Address">The address, as it was announced.</param>
    public sealed record ListenAddressExpired(ListenerId ListenerId, Multiaddr Address) : HostEvent;

    /// <summary>A listener stopped.</summary>
    /// <param name="ListenerId">The listener.</param>
    /// <param name="Reason">Why, or null when it was removed on purpose.</param>
    public sealed record ListenerClosed(ListenerId ListenerId, Exception? Reason) : HostEvent;

    /// <summary>A listener hit an error it survived (e.g. a failed accept).</summary>
    /// <param name="ListenerId">The listener.</param>
    /// <param name="Error">What went wrong.</param>
    public sealed record ListenerError(ListenerId ListenerId, Exception Error) : HostEvent;

    /// <summary>A connection is established (secured and multiplexed), in either direction.</summary>
    /// <param name="Connection">The connection.</param>
    public sealed record ConnectionOpened(Connection Connection) : HostEvent;

    /// <summary>A connection closed.</summary>
    /// <param name="Connection">The connection.</param>
    /// <param name="Reason">Why, or null for an orderly close.</param>
    public sealed record ConnectionClosed(Connection Connection, Exception? Reason) : HostEvent;

    /// <summary>An inbound connection failed before it became a libp2p connection (bad handshake, timeout, limit).</summary>
    public sealed record IncomingConnectionFailed(Multiaddr RemoteAddress, Exception Error) : HostEvent;

    /// <summary>The remote's identify answer arrived for a connection.</summary>
    public sealed record PeerIdentified(Connection Connection) : HostEvent;
}
