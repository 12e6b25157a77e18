using Libp2p.Core;
using Libp2p.Multiformats;
using Libp2p.Transports;

namespace Libp2p.Daemon.Endpoints;

/// <summary>
/// The control socket on a host transport (<see cref="Transports.Tcp.TcpTransport"/> natively, the WASI sockets
/// transport inside Wasm): its raw connections are the control connections. The transport is this endpoint's own
/// (not the libp2p host's) and is disposed with it.
/// </summary>
public sealed class TransportControlEndpoint : IControlEndpoint
{
    private readonly ITransport _transport;
    private readonly ListenerId _listener;

    private TransportControlEndpoint(ITransport transport, ListenerId listener, Multiaddr address)
    {
        _transport = transport;
        _listener = listener;
        Address = address;
    }

    /// <inheritdoc/>
    public Multiaddr Address { get; }

    /// <summary>
    /// Listens on <paramref name="address"/> and waits until the transport announces the bound address. The endpoint
    /// owns <paramref name="transport"/> from here on: it is disposed with the endpoint, or at once when this fails.
    /// </summary>
    /// <exception cref="TransportException">The bind or listen failed.</exception>
    public static async ValueTask<TransportControlEndpoint> ListenAsync(ITransport transport, Multiaddr address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        try
        {
            if (!transport.CanHandle(address))
                throw new TransportNotSupportedException($"The control transport cannot listen on {address}.");
            var id = transport.Listen(address);
            while (true)
            {
                var e = await transport.Events.ReadAsync(cancellationToken).ConfigureAwait(false);
                switch (e)
                {
                    case TransportEvent.NewAddress a when a.ListenerId == id:
                        return new TransportControlEndpoint(transport, id, a.Address);
                    case TransportEvent.ListenerClosed c when c.ListenerId == id:
                        throw c.Reason as TransportException ?? new TransportException($"The control listener on {address} closed: {c.Reason?.Message}", c.Reason);
                    case TransportEvent.Incoming i:
                        await i.Connection.DisposeAsync().ConfigureAwait(false); // cannot happen before the address is announced
                        break;
                }
            }
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IDuplexStream?> AcceptAsync(CancellationToken cancellationToken)
    {
        while (await _transport.Events.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_transport.Events.TryRead(out var e))
            {
                switch (e)
                {
                    case TransportEvent.Incoming i:
                        return i.Connection;
                    case TransportEvent.ListenerClosed c when c.ListenerId == _listener:
                        return null;
                }
            }
        }
        return null;
    }

    /// <inheritdoc/>
    public bool CanDial(Multiaddr address) => _transport.CanHandle(address);

    /// <inheritdoc/>
    public async ValueTask<IDuplexStream> DialAsync(Multiaddr address, CancellationToken cancellationToken) =>
        await _transport.DialAsync(address, cancellationToken).ConfigureAwait(false);

    /// <summary>Stops listening and disposes the transport.</summary>
    public async ValueTask DisposeAsync()
    {
        _transport.RemoveListener(_listener);
        await _transport.DisposeAsync().ConfigureAwait(false);
    }
}
