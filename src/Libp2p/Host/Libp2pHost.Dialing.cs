using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Security;
using Libp2p.Transports;
using Libp2p.Yamux;

namespace Libp2p.Host;

public sealed partial class Libp2pHost
{
    private readonly Dictionary<PeerId, List<Connection>> _connections = new();
    private readonly Dictionary<PeerId, Task<Connection>> _pendingDials = new();
    private int _connectionCount;

    /// <summary>Open connections right now.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>A snapshot of the open connections.</summary>
    public IReadOnlyList<Connection> Connections => ConnectionSnapshot();

    /// <summary>
    /// A connection to the peer at <paramref name="address"/>. With a <c>/p2p/&lt;id&gt;</c> suffix an
    /// open connection to that peer is reused (and concurrent dials to it are joined), and the id is
    /// checked against the one the security handshake proves; without it, a new connection is made.
    /// </summary>
    /// <exception cref="TransportNotSupportedException">No transport can dial the address.</exception>
    /// <exception cref="TransportException">The connection failed.</exception>
    /// <exception cref="Noise.PeerIdMismatchException">The remote is not the peer the address names.</exception>
    /// <exception cref="Libp2pException">The dial and upgrade took longer than <see cref="HostOptions.DialTimeout"/>
    /// (<see cref="Libp2pError.Timeout"/>, a <see cref="TimeoutException"/> inside).</exception>
    /// <exception cref="Resources.ResourceLimitExceededException">A connection limit (to the address, the peer, or the node's) is reached.</exception>
    public async ValueTask<Connection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var peer = address.PeerId;
        if (peer is null)
            return await DialNewAsync(address, null, cancellationToken).ConfigureAwait(false);
        if (peer == PeerId)
            throw new InvalidOperationException($"Refusing to dial our own peer id {PeerId}.");
        // A limited (relayed) connection serves only a dial through a relay: a direct address gets a direct connection.
        if (FindConnection(peer) is { } existing && (!existing.IsLimited || IsRelayAddress(address)))
            return existing;
        Task<Connection> dial;
        lock (_pendingDials)
        {
            if (!_pendingDials.TryGetValue(peer, out dial!))
            {
                dial = DialSharedAsync(address, peer);
                if (!dial.IsCompleted) _pendingDials[peer] = dial;
            }
        }
        return await dial.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool IsRelayAddress(Multiaddr address)
    {
        foreach (var c in address.Components)
            if (c.Protocol.Code == MultiaddrProtocol.P2pCircuit.Code) return true;
        return false;
    }

    // One dial per peer at a time: concurrent callers share it, whatever their own cancellation.
    private async Task<Connection> DialSharedAsync(Multiaddr address, PeerId peer)
    {
        try { return await DialNewAsync(address, peer, CancellationToken.None).ConfigureAwait(false); }
        finally { lock (_pendingDials) _pendingDials.Remove(peer); }
    }

    /// <summary>Opens a stream to the peer at <paramref name="address"/> (dialing if needed) and negotiates <paramref name="protocol"/>.</summary>
    public async ValueTask<IDuplexStream> NewStreamAsync(Multiaddr address, string protocol, CancellationToken cancellationToken = default)
    {
        var connection = await DialAsync(address, cancellationToken).ConfigureAwait(false);
        return await connection.OpenStreamAsync(protocol, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An open connection to <paramref name="peer"/>, or null; a direct one rather than a limited (relayed) one.</summary>
    public Connection? FindConnection(PeerId peer)
    {
        lock (_connections)
        {
            if (!_connections.TryGetValue(peer, out var list)) return null;
            Connection? limited = null;
            foreach (var c in list)
            {
                if (c.IsClosed) continue;
                if (!c.IsLimited) return c;
                limited ??= c;
            }
            return limited;
        }
    }

    private async ValueTask<Connection> DialNewAsync(Multiaddr address, PeerId? expected, CancellationToken cancellationToken)
    {
        var transport = Options.Transports.FirstOrDefault(t => t.CanHandle(address))
            ?? throw new TransportNotSupportedException($"No transport of this host can dial {address}.");
        long started = TimeProvider.GetTimestamp();
        var scope = Resources.OpenOutbound(address);
        using var cts = new Deadline(Options.DialTimeout, TimeProvider, cancellationToken, _shutdown.Token);
        IRawConnection? raw = null;
        try
        {
            var context = new SecurityUpgradeContext(Identity, ConnectionUpgrader.Muxers, TimeProvider, expected);
            var security = SecurityProtocols;
            raw = await transport.DialAsync(address, cts.Token).ConfigureAwait(false);
            (SecuredConnection Secure, YamuxSession Session) upgraded;
            try
            {
                upgraded = await ConnectionUpgrader.OutboundAsync(raw, context, security, optimistic: true, Options.Yamux, scope, cts.Token).ConfigureAwait(false);
            }
            catch (OptimisticSecurityRefusedException refused)
            {
                // The optimistic proposal cost this connection; a second one negotiates the whole list with round trips.
                Log.SecurityFallback(address, refused.Protocol);
                raw.Abort(refused);
                await raw.DisposeAsync().ConfigureAwait(false);
                raw = null;
                raw = await transport.DialAsync(address, cts.Token).ConfigureAwait(false);
                upgraded = await ConnectionUpgrader.OutboundAsync(raw, context, security, optimistic: false, Options.Yamux, scope, cts.Token).ConfigureAwait(false);
            }
            var (secure, session) = upgraded;
            if (Resources.TryEstablish(scope, secure.RemotePeer) is { } refusal)
            {
                await RefuseUpgradedAsync(session).ConfigureAwait(false);
                throw refusal;
            }
            var connection = new Connection(this, session, scope, secure.RemotePeer, secure.RemotePublicKey,
                raw.LocalAddress, raw.RemoteAddress.WithPeerId(secure.RemotePeer), ConnectionDirection.Outbound, secure.Protocol)
            {
                Limit = (raw as ILimitedRawConnection)?.Limit,
            };
            AddConnection(connection, TimeProvider.GetElapsedTime(started));
            return connection;
        }
        catch (Exception e)
        {
            Resources.Close(scope);
            Metrics.DialFailed();
            if (raw is not null)
            {
                raw.Abort(e);
                await raw.DisposeAsync().ConfigureAwait(false);
            }
            if (e is OperationCanceledException && cts.Expired)
                throw Libp2pException.Timeout($"Dialing {address} took longer than {Options.DialTimeout.TotalSeconds:0.#} s.", e);
            throw;
        }
    }

    private void AddConnection(Connection connection, TimeSpan upgradeTime)
    {
        lock (_connections)
        {
            // DisposeAsync marks the host disposed before it takes its snapshot under this lock: an upgrade that
            // finishes after that must not add a connection nobody will close. The caller aborts the raw connection.
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (!_connections.TryGetValue(connection.RemotePeer, out var list))
                _connections[connection.RemotePeer] = list = [];
            list.Add(connection);
            _connectionCount++;
        }
        Metrics.ConnectionOpened(connection.Direction, upgradeTime.TotalMilliseconds);
        Log.ConnectionOpened(connection.Direction, connection.RemotePeer, connection.RemoteAddress);
        connection.Session.Start();
        connection.Start();
        // Identify's delay timer exists before anyone hears of the connection: whoever reacts to the event (a test
        // advancing a fake clock, say) already sees it.
        if (Options.EnableIdentify)
            _ = IdentifyInBackgroundAsync(connection);
        OnConnectionOpenedForPeers(connection);
        Publish(new HostEvent.ConnectionOpened(connection));
    }

    internal void OnConnectionClosed(Connection connection, Exception? reason)
    {
        lock (_connections)
        {
            if (_connections.TryGetValue(connection.RemotePeer, out var list) && list.Remove(connection))
            {
                _connectionCount--;
                if (list.Count == 0) _connections.Remove(connection.RemotePeer);
            }
        }
        Resources.Close(connection.Scope);
        Metrics.ConnectionClosed();
        Log.ConnectionClosed(connection.RemotePeer, reason);
        OnConnectionClosedForPeers(connection, reason);
        Publish(new HostEvent.ConnectionClosed(connection, reason));
    }

    private List<Connection> ConnectionSnapshot()
    {
        lock (_connections) return [.. _connections.Values.SelectMany(l => l)];
    }

    private async Task SweepIdleConnectionsAsync(TimeSpan idle)
    {
        var period = TimeSpan.FromTicks(Math.Max(idle.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks));
        try
        {
            while (true)
            {
                await Task.Delay(period, TimeProvider, _shutdown.Token).ConfigureAwait(false);
                foreach (var c in ConnectionSnapshot())
                {
                    if (c.ActiveStreams == 0 && !c.IsKeptAlive && TimeProvider.GetElapsedTime(c.LastActivityTimestamp) >= idle)
                    {
                        Log.ClosingIdle(c.RemotePeer);
                        _ = c.CloseAsync().AsTask();
                    }
                }
            }
        }
        catch (OperationCanceledException) { }
    }
}
