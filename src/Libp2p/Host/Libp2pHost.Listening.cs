using Libp2p.Core;
using System.Threading.Channels;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Security;
using Libp2p.Transports;

namespace Libp2p.Host;

public sealed partial class Libp2pHost
{
    private readonly Dictionary<ListenerId, ListenerState> _listeners = new();
    private int _pendingUpgrades;

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
        string? refusal = null;
        if (_disposed != 0) refusal = "the host is shutting down";
        else if (Interlocked.Increment(ref _pendingUpgrades) > Options.MaxPendingUpgrades)
        {
            Interlocked.Decrement(ref _pendingUpgrades);
            refusal = $"{Options.MaxPendingUpgrades} upgrades already pending";
        }
        // Connections still upgrading count against MaxConnections too, or a burst of dials slips under it. Read the
        // established count after our own increment: an upgrade that finished meanwhile is counted there before it
        // leaves the pending count, so none is missed.
        else if (Volatile.Read(ref _pendingUpgrades) - 1 + ConnectionCount >= Options.MaxConnections)
        {
            Interlocked.Decrement(ref _pendingUpgrades);
            refusal = $"connection limit {Options.MaxConnections} reached (counting upgrades in progress)";
        }
        if (refusal is not null)
        {
            Log.InboundRefused(inc.RemoteAddress, refusal);
            inc.Connection.Abort();
            _ = inc.Connection.DisposeAsync();
            return;
        }
        _ = UpgradeInboundAsync(inc);
    }

    private async Task UpgradeInboundAsync(TransportEvent.Incoming inc)
    {
        long started = TimeProvider.GetTimestamp();
        var raw = inc.Connection;
        try
        {
            using var deadline = new Deadline(Options.UpgradeTimeout, TimeProvider, _shutdown.Token);
            var context = new SecurityUpgradeContext(Identity, ConnectionUpgrader.Muxers, TimeProvider);
            var (secure, session) = await ConnectionUpgrader.InboundAsync(raw, context, SecurityProtocols, Options.Yamux, deadline.Token).ConfigureAwait(false);
            var connection = new Connection(this, session, secure.RemotePeer, secure.RemotePublicKey,
                inc.LocalAddress, inc.RemoteAddress.WithPeerId(secure.RemotePeer), ConnectionDirection.Inbound, secure.Protocol)
            {
                Limit = (raw as ILimitedRawConnection)?.Limit,
            };
            AddConnection(connection, TimeProvider.GetElapsedTime(started));
        }
        catch (Exception e)
        {
            Metrics.InboundUpgradeFailed();
            Log.InboundUpgradeFailed(inc.RemoteAddress, e);
            Publish(new HostEvent.IncomingConnectionFailed(inc.RemoteAddress, e));
            raw.Abort(e);
            await raw.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingUpgrades);
        }
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
