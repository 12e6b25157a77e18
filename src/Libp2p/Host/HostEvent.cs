using Libp2p.Multiformats;
using Libp2p.Transports;

namespace Libp2p.Host;

/// <summary>What a host reports: listen addresses coming and going, connections opening and closing.</summary>
public abstract record HostEvent
{
    public sealed record ListenAddressAdded(ListenerId ListenerId, Multiaddr Address) : HostEvent;

    public sealed record ListenAddressExpired(ListenerId ListenerId, Multiaddr Address) : HostEvent;

    public sealed record ListenerClosed(ListenerId ListenerId, Exception? Reason) : HostEvent;

    public sealed record ListenerError(ListenerId ListenerId, Exception Error) : HostEvent;

    public sealed record ConnectionOpened(Connection Connection) : HostEvent;

    public sealed record ConnectionClosed(Connection Connection, Exception? Reason) : HostEvent;

    /// <summary>An inbound connection failed before it became a libp2p connection (bad handshake, timeout, limit).</summary>
    public sealed record IncomingConnectionFailed(Multiaddr RemoteAddress, Exception Error) : HostEvent;

    /// <summary>The remote's identify answer arrived for a connection.</summary>
    public sealed record PeerIdentified(Connection Connection) : HostEvent;
}
