using Libp2p.Transports;

namespace Libp2p.Host;

/// <summary>
/// A transport that works through the host it belongs to: it dials over the host's own connections and hands
/// connections it accepts to the host's upgrade pipeline through <see cref="ITransport.Events"/> (circuit relay v2 is
/// one: it dials and accepts over streams of a connection to a relay). The host calls <see cref="Attach"/> once, from
/// its constructor, after registering its built-in protocols and before reading the transport's events, so the
/// transport can register handlers and subscribe to the host's notifications there.
/// </summary>
/// <remarks>
/// Raw connections such a transport produces are upgraded like any other (multistream-select, the host's security
/// protocols, Yamux): a dial returns its raw connection from <see cref="ITransport.DialAsync"/>, an accepted one comes
/// as <see cref="TransportEvent.Incoming"/>. A raw connection that implements <see cref="ILimitedRawConnection"/>
/// makes the resulting <see cref="Connection"/> limited (<see cref="Connection.Limit"/>).
/// </remarks>
public interface IHostAwareTransport : ITransport
{
    /// <summary>Called once by <paramref name="host"/>'s constructor; a transport belongs to one host.</summary>
    /// <exception cref="InvalidOperationException">The transport is attached to another host already.</exception>
    void Attach(Libp2pHost host);
}
