using System.Threading.Channels;
using Libp2p.Multiformats;

namespace Libp2p.Transports;

/// <summary>
/// A way to reach and accept raw connections, mirroring rust-libp2p's <c>Transport</c> and
/// <c>TransportEvent</c>. Listening is reported through <see cref="Events"/>; dialing returns a
/// connection. Implementations: the TCP transport (System.Net.Sockets) and the WASI sockets transport.
/// </summary>
public interface ITransport : IAsyncDisposable
{
    /// <summary>True when this transport can dial or listen on <paramref name="address"/> (ignoring a trailing /p2p).</summary>
    bool CanHandle(Multiaddr address);

    /// <summary>
    /// Binds and starts listening. The real addresses (never <c>/tcp/0</c>) arrive as
    /// <see cref="TransportEvent.NewAddress"/> events.
    /// </summary>
    /// <exception cref="TransportNotSupportedException">The address is not one this transport serves.</exception>
    /// <exception cref="TransportException">The bind or listen failed (e.g. address in use, access denied).</exception>
    ListenerId Listen(Multiaddr address);

    /// <summary>
    /// Stops a listener: <see cref="TransportEvent.AddressExpired"/> for each announced address, then
    /// <see cref="TransportEvent.ListenerClosed"/>. Returns false when no such listener exists.
    /// </summary>
    bool RemoveListener(ListenerId id);

    /// <summary>Dials a raw connection. A trailing <c>/p2p/…</c> is ignored here; the upgrade checks it.</summary>
    /// <exception cref="TransportNotSupportedException">Not dialable by this transport (other protocol, port 0, unspecified IP).</exception>
    /// <exception cref="TransportException">The connection failed (refused, unreachable, denied, timed out).</exception>
    ValueTask<IRawConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default);

    /// <summary>Listener life-cycle events and incoming connections, in order. Bounded: a slow reader slows accepting.</summary>
    ChannelReader<TransportEvent> Events { get; }
}
