using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Protocols.Identify;
using Libp2p.Transports;

namespace Libp2p.Host;

// What other protocols (pubsub, the DHT, relay, the daemon) build on: notifications of connections and identify
// answers that every subscriber receives (Events is one queue: whoever reads an event takes it from the others),
// the peer store, and dialing a peer by its id.
public sealed partial class Libp2pHost
{
    /// <summary>
    /// Raised when a connection is open and its streams can be used, before <see cref="HostEvent.ConnectionOpened"/>
    /// is queued. Handlers run synchronously on the thread that finished the upgrade: keep them short and start any
    /// asynchronous work without awaiting it. An exception thrown by a handler is logged and does not reach the host.
    /// </summary>
    public event Action<Connection>? ConnectionOpened;

    /// <summary>Raised when a connection has closed, with the error that closed it (null for a clean close). Same rules as <see cref="ConnectionOpened"/>.</summary>
    public event Action<Connection, Exception?>? ConnectionClosed;

    /// <summary>
    /// Raised when the peer of a connection answered identify or pushed an update (the merged view is
    /// <see cref="Connection.RemoteIdentify"/>; the peer store is updated before). Same rules as <see cref="ConnectionOpened"/>.
    /// </summary>
    public event Action<Connection>? PeerIdentified;

    /// <summary>What this node knows of other peers: addresses, protocols, keys (filled from connections and identify).</summary>
    public PeerStore PeerStore { get; }

    /// <summary>
    /// A connection to <paramref name="peer"/>: an open one, or a new one dialed through the addresses the peer store
    /// knows for it, tried in turn until one works.
    /// </summary>
    /// <exception cref="TransportException">No address is known, or every one failed (the message lists why).</exception>
    public async ValueTask<Connection> DialAsync(PeerId peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (FindConnection(peer) is { } existing) return existing;
        var addresses = PeerStore.GetAddresses(peer).Where(a => Options.Transports.Any(t => t.CanHandle(a))).ToList();
        if (addresses.Count == 0)
            throw new TransportException($"No dialable address is known for {peer}.");
        List<Exception> errors = [];
        foreach (var address in addresses)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try { return await DialAsync(address.WithPeerId(peer), cancellationToken).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                errors.Add(e);
            }
        }
        throw new TransportException(
            $"Could not dial {peer} at any of {addresses.Count} address(es): " +
            string.Join("; ", errors.Select((e, i) => $"{addresses[i]}: {e.Message}")), new AggregateException(errors));
    }

    /// <summary>Opens a stream to <paramref name="peer"/> (dialing it by id if needed) and negotiates the first of <paramref name="protocols"/> it supports.</summary>
    public async ValueTask<IDuplexStream> NewStreamAsync(PeerId peer, IReadOnlyList<string> protocols, CancellationToken cancellationToken = default)
    {
        var connection = await DialAsync(peer, cancellationToken).ConfigureAwait(false);
        return await connection.OpenStreamAsync(protocols, cancellationToken).ConfigureAwait(false);
    }

    private void OnConnectionOpenedForPeers(Connection connection)
    {
        PeerStore.SetConnected(connection.RemotePeer, true);
        PeerStore.SetPublicKey(connection.RemotePeer, connection.RemotePublicKey);
        // Only where we dialed is the remote address one the peer listens on (an inbound one has an ephemeral port).
        if (connection.Direction == ConnectionDirection.Outbound)
            PeerStore.AddAddresses(connection.RemotePeer, [connection.RemoteAddress], PeerStore.Permanent);
        Notify(ConnectionOpened, nameof(ConnectionOpened), connection);
    }

    private void OnConnectionClosedForPeers(Connection connection, Exception? reason)
    {
        if (FindConnection(connection.RemotePeer) is null)
        {
            PeerStore.SetConnected(connection.RemotePeer, false);
            PeerStore.UpdateAddressTtl(connection.RemotePeer, PeerStore.RecentlyConnectedTtl);
        }
        var handlers = ConnectionClosed;
        if (handlers is null) return;
        foreach (var handler in handlers.GetInvocationList())
        {
            try { ((Action<Connection, Exception?>)handler)(connection, reason); }
            catch (Exception e) { Log.NotificationFailed(nameof(ConnectionClosed), e); }
        }
    }

    private void OnPeerIdentifiedForPeers(Connection connection, IdentifyInfo info)
    {
        var peer = connection.RemotePeer;
        TimeSpan ttl = connection.IsClosed ? PeerStore.RecentlyConnectedTtl : PeerStore.Permanent;
        if (info.ListenAddresses.Count > 0) PeerStore.AddAddresses(peer, info.ListenAddresses, ttl);
        if (info.Protocols.Count > 0) PeerStore.SetProtocols(peer, info.Protocols);
        if (info.AgentVersion.Length > 0) PeerStore.SetAgentVersion(peer, info.AgentVersion);
        Notify(PeerIdentified, nameof(PeerIdentified), connection);
    }

    private void Notify(Action<Connection>? handlers, string name, Connection connection)
    {
        if (handlers is null) return;
        foreach (var handler in handlers.GetInvocationList())
        {
            try { ((Action<Connection>)handler)(connection); }
            catch (Exception e) { Log.NotificationFailed(name, e); }
        }
    }
}
