using Libp2p.Core;
using System.Threading.Channels;
using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Security;
using Libp2p.Transports;
using Libp2p.Yamux;

namespace Libp2p.Host;

public sealed partial class Libp2pHost
{
    private readonly Dictionary<ListenerId, ListenerState> _listeners = new();

    /// <summary>
    /// Starts listening on <paramref name="address"/> and returns once the transport announced the
    /// real addresses (e.g. the port chosen for <c>/tcp/0</c>).
    /// </summary>
    /// <exception cref="TransportNotSupportedException">No transport serves the address.</exception>
    /// <exception cref="TransportException">The bind failed, or the listener closed before announcing an address.</exception>
    public async ValueTask<IReadOnlyList<Multiaddr>> ListenAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var transport = Options.Transports.FirstOrDefault(t => t.CanHandle(address))
            ?? throw new TransportNotSupportedException($"No transport of this host can listen on {address}.");
        var state = new ListenerState(transport);
        ListenerId id;
        lock (_listeners)
        {
            id = transport.Listen(address);
            _listeners[id] = state;
        }
        await state.Announced.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return state.Snapshot();
    }

    /// <summary>Stops a listener; its addresses expire and it closes (see <see cref="Events"/>).</summary>
    public bool RemoveListener(ListenerId id)
    {
        ListenerState? state;
        lock (_listeners) _listeners.TryGetValue(id, out state);
        return state is not null && state.Transport.RemoveListener(id);
    }

    /// <summary>Every address some listener of this host serves now, each ending in <c>/p2p/&lt;our id&gt;</c>.</summary>
    public IReadOnlyList<Multiaddr> ListenAddresses
    {
        get
        {
            lock (_listeners)
                return [.. _listeners.Values.SelectMany(l => l.Snapshot()).Select(a => a.WithPeerId(PeerId))];
        }
    }

    /// <summary>The listeners and their current addresses.</summary>
    public IReadOnlyDictionary<ListenerId, IReadOnlyList<Multiaddr>> Listeners
    {
        get { lock (_listeners) return _listeners.ToDictionary(kv => kv.Key, kv => kv.Value.Snapshot()); }
    }

    private List<(ITransport, ListenerId)> ListenerSnapshot()
    {
        lock (_listeners) return [.. _listeners.Select(kv => (kv.Value.Transport, kv.Key))];
    }

    private async Task PumpTransportEventsAsync(ITransport transport)
    {
        var reader = transport.Events;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var e))
                    OnTransportEvent(e);
                // Everything the transport queued so far is applied: a ListenAsync waiting for a
                // wildcard listener now sees all of its addresses, not just the first.
                lock (_listeners)
                    foreach (var l in _listeners.Values)
                        if (l.HasAddress) l.Announced.TrySetResult();
            }
        }
        catch (ChannelClosedException) { }
    }

    private ListenerState? FindListener(ListenerId id)
    {
        lock (_listeners) return _listeners.GetValueOrDefault(id);
    }

    private void OnTransportEvent(TransportEvent e)
    {
        switch (e)
        {
            case TransportEvent.NewAddress a:
                FindListener(a.ListenerId)?.Add(a.Address);
                Log.Listening(a.Address);
                Publish(new HostEvent.ListenAddressAdded(a.ListenerId, a.Address.WithPeerId(PeerId)));
                PushIdentifyToAll();
                break;
            case TransportEvent.AddressExpired x:
                FindListener(x.ListenerId)?.Remove(x.Address);
                Publish(new HostEvent.ListenAddressExpired(x.ListenerId, x.Address.WithPeerId(PeerId)));
                PushIdentifyToAll();
                break;
            case TransportEvent.ListenerClosed c:
                ListenerState? state;
                lock (_listeners)
                {
                    state = _listeners.GetValueOrDefault(c.ListenerId);
                    _listeners.Remove(c.ListenerId);
                }
                state?.Announced.TrySetException(new TransportException(
                    $"The listener closed before announcing an address: {c.Reason?.Message ?? "removed"}", c.Reason));
                Publish(new HostEvent.ListenerClosed(c.ListenerId, c.Reason));
                break;
            case TransportEvent.ListenerError err:
                Log.ListenerError(err.ListenerId.ToString(), err.Error);
                Publish(new HostEvent.ListenerError(err.ListenerId, err.Error));
                break;
            case TransportEvent.Incoming inc:
                AcceptIncoming(inc);
                break;
        }
    }

    private void AcceptIncoming(TransportEvent.Incoming inc)
    {
        // The resource manager admits the connection as pending (per address and node-wide, counting upgrades in
        // progress against the connection limits too) or refuses it: then the peer sees a reset and the manager counts
        // and logs the refusal.
        var scope = _disposed != 0 ? null : Resources.TryOpenInbound(inc.RemoteAddress);
        if (scope is null)
        {
            inc.Connection.Abort();
            _ = inc.Connection.DisposeAsync();
            return;
        }
        _ = UpgradeInboundAsync(inc, scope);
    }

    private async Task UpgradeInboundAsync(TransportEvent.Incoming inc, ConnectionScope scope)
    {
        long started = TimeProvider.GetTimestamp();
        var raw = inc.Connection;
        using var upgrade = new Deadline(Options.UpgradeTimeout, TimeProvider, _shutdown.Token);
        using var firstBytes = new Deadline(Options.InboundFirstByteTimeout, TimeProvider, upgrade.Token);
        try
        {
            // A dialer speaks first (multistream-select); one that sends nothing gives its slot back soon.
            await raw.ReadAsync(Memory<byte>.Empty, firstBytes.Token).ConfigureAwait(false);
            var context = new SecurityUpgradeContext(Identity, ConnectionUpgrader.Muxers, TimeProvider);
            var (secure, session) = await ConnectionUpgrader.InboundAsync(raw, context, SecurityProtocols, Options.Yamux, scope, upgrade.Token).ConfigureAwait(false);
            if (Resources.TryEstablish(scope, secure.RemotePeer) is { } refusal)
            {
                await RefuseUpgradedAsync(session).ConfigureAwait(false);
                throw refusal;
            }
            var connection = new Connection(this, session, scope, secure.RemotePeer, secure.RemotePublicKey,
                inc.LocalAddress, inc.RemoteAddress.WithPeerId(secure.RemotePeer), ConnectionDirection.Inbound, secure.Protocol)
            {
                Limit = (raw as ILimitedRawConnection)?.Limit,
            };
            AddConnection(connection, TimeProvider.GetElapsedTime(started));
        }
        catch (Exception e)
        {
            if (e is not ResourceLimitExceededException && !_shutdown.IsCancellationRequested)
                Resources.InboundUpgradeFailed(scope);
            Resources.Close(scope);
            var error = e is OperationCanceledException && !_shutdown.IsCancellationRequested
                ? firstBytes.Expired
                    ? new TimeoutException($"No bytes from {inc.RemoteAddress} within {Options.InboundFirstByteTimeout.TotalSeconds:0.###} s of accepting the connection (inbound first-byte timeout); it was reset.", e)
                    : upgrade.Expired
                        ? new TimeoutException($"The upgrade (security and muxer) of the connection from {inc.RemoteAddress} did not complete within {Options.UpgradeTimeout.TotalSeconds:0.###} s (upgrade timeout); it was reset.", e)
                        : e
                : e;
            Metrics.InboundUpgradeFailed();
            Log.InboundUpgradeFailed(inc.RemoteAddress, error);
            Publish(new HostEvent.IncomingConnectionFailed(inc.RemoteAddress, error));
            raw.Abort(error);
            await raw.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An upgraded connection the resource manager refused (its peer has too many): the peer is told with GoAway and the
    /// session ends (bounded by the session's close timeout).
    /// </summary>
    private static async Task RefuseUpgradedAsync(YamuxSession session)
    {
        session.Start();
        await session.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class ListenerState(ITransport transport)
    {
        private readonly List<Multiaddr> _addresses = [];
        public ITransport Transport { get; } = transport;
        public TaskCompletionSource Announced { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool HasAddress { get { lock (_addresses) return _addresses.Count > 0; } }
        public void Add(Multiaddr a) { lock (_addresses) if (!_addresses.Contains(a)) _addresses.Add(a); }
        public void Remove(Multiaddr a) { lock (_addresses) _addresses.Remove(a); }
        public IReadOnlyList<Multiaddr> Snapshot() { lock (_addresses) return [.. _addresses]; }
    }
}
