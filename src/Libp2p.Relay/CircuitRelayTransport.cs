using System.Threading.Channels;
using Libp2p.Core;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Multistream;
using Libp2p.Relay.Pb;
using Libp2p.Transports;
using Microsoft.Extensions.Logging;

namespace Libp2p.Relay;

/// <summary>
/// The client side of circuit relay v2 as a transport of the host (rust-libp2p's relay client transport is the model):
/// <list type="bullet">
/// <item>dialing <c>…/p2p/RELAY/p2p-circuit/p2p/TARGET</c> opens a hop stream on a connection to the relay, asks for a
/// circuit, and returns the stream as the raw connection the host then upgrades (its security protocols, Yamux);</item>
/// <item>listening on <c>…/p2p/RELAY/p2p-circuit</c> reserves a slot on the relay, announces the circuit addresses and
/// keeps the reservation fresh (<see cref="RelayListener"/>);</item>
/// <item>the <c>/stop</c> handler accepts relayed connections and hands them to the host's upgrade pipeline.</item>
/// </list>
/// Connections made this way are limited (<see cref="Connection.Limit"/>). Add it to <see cref="HostOptions.Transports"/>;
/// the host attaches itself (<see cref="IHostAwareTransport"/>).
/// </summary>
public sealed class CircuitRelayTransport : IHostAwareTransport
{
    private readonly RelayClientOptions _options;
    private readonly Channel<TransportEvent> _events = Channel.CreateBounded<TransportEvent>(
        new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly Dictionary<ListenerId, RelayListener> _listeners = new();
    private readonly CancellationTokenSource _shutdown = new();
    private Libp2pHost? _host;
    private int _inbound;
    private int _disposed;

    /// <summary>A relay client with <paramref name="options"/> (defaults when null); add it to <c>HostOptions.Transports</c> (see <see cref="RelayHostExtensions.AddCircuitRelay"/>).</summary>
    public CircuitRelayTransport(RelayClientOptions? options = null)
    {
        _options = options ?? new RelayClientOptions();
        _options.Validate();
    }

    /// <summary>
    /// The listener id under which relayed connections arrive from relays where no listener of this transport holds the
    /// reservation (see <see cref="RelayClientOptions.AcceptWithoutListener"/>).
    /// </summary>
    public ListenerId UnlistedCircuits { get; } = ListenerId.Next();

    /// <summary>The options the transport was created with.</summary>
    public RelayClientOptions Options => _options;

    /// <summary>Relayed connections accepted and not yet closed.</summary>
    public int InboundCircuits => Volatile.Read(ref _inbound);

    /// <summary>The reservations held now, one per listening relay.</summary>
    public IReadOnlyList<RelayReservation> Reservations
    {
        get { lock (_listeners) return [.. _listeners.Values.Select(l => l.Current).OfType<RelayReservation>()]; }
    }

    internal ILogger Log { get; private set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <inheritdoc/>
    public ChannelReader<TransportEvent> Events => _events.Reader;

    /// <inheritdoc/>
    public void Attach(Libp2pHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (Interlocked.CompareExchange(ref _host, host, null) is not null)
            throw new InvalidOperationException("This CircuitRelayTransport belongs to another host already.");
        Log = host.Options.LoggerFactory.CreateLogger("Libp2p.Relay.Client");
        host.SetHandler(RelayProtocol.StopProtocolId, HandleStopAsync, _options.MaxInboundCircuitsPerRelay);
    }

    private Libp2pHost Host => _host ?? throw new InvalidOperationException("The CircuitRelayTransport is not attached to a host (add it to HostOptions.Transports).");

    /// <inheritdoc/>
    public bool CanHandle(Multiaddr address) => CircuitAddress.TryParse(address, out _) is not null;

    /// <summary>Reserves a slot on the relay named by <paramref name="address"/> (<c>…/p2p/RELAY/p2p-circuit</c>) and keeps it.</summary>
    public ListenerId Listen(Multiaddr address)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var circuit = CircuitAddress.TryParse(address, out var problem)
            ?? throw new TransportNotSupportedException($"Cannot listen on {address}: {problem}.");
        if (circuit.Target is not null)
            throw new TransportNotSupportedException($"Cannot listen on {address}: a relay listen address ends in /p2p-circuit (without a target).");
        var host = Host;
        if (circuit.RelayPeer == host.PeerId)
            throw new TransportException($"Cannot listen on {address}: the relay is this node.");
        var listener = new RelayListener(this, host, ListenerId.Next(), circuit, _options, _shutdown.Token);
        lock (_listeners) _listeners[listener.Id] = listener;
        listener.Start();
        return listener.Id;
    }

    /// <inheritdoc/>
    public bool RemoveListener(ListenerId id)
    {
        RelayListener? listener;
        lock (_listeners) _listeners.TryGetValue(id, out listener);
        listener?.Stop();
        return listener is not null;
    }

    internal void OnListenerEnded(RelayListener listener)
    {
        lock (_listeners) _listeners.Remove(listener.Id);
    }

    internal async ValueTask PublishAsync(TransportEvent e, CancellationToken ct)
    {
        try { await _events.Writer.WriteAsync(e, ct).ConfigureAwait(false); }
        catch (ChannelClosedException) { }
    }

    /// <summary>Asks the relay in <paramref name="address"/> for a circuit to its target and returns the circuit as a raw connection.</summary>
    /// <exception cref="CircuitRelayException">The relay refused (e.g. <c>NO_RESERVATION</c>: the target holds no reservation there) or broke the protocol.</exception>
    public async ValueTask<IRawConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var circuit = CircuitAddress.TryParse(address, out var problem)
            ?? throw new TransportNotSupportedException($"Cannot dial {address}: {problem}.");
        if (circuit.Target is not { } target)
            throw new TransportNotSupportedException($"Cannot dial {address}: it names no target (…/p2p-circuit/p2p/<target id>).");
        var host = Host;
        if (circuit.RelayPeer == host.PeerId)
            throw new TransportException($"Cannot dial {address}: the relay is this node.");
        var relay = circuit.RelayHasTransportAddress
            ? await host.DialAsync(circuit.Relay, cancellationToken).ConfigureAwait(false)
            : await host.DialAsync(circuit.RelayPeer, cancellationToken).ConfigureAwait(false);
        if (relay.IsLimited)
            throw new CircuitRelayException($"Cannot dial {address}: the only connection to the relay is itself relayed (relays refuse chains).", RelayStatus.PermissionDenied);
        IDuplexStream stream;
        try { stream = await relay.OpenStreamAsync(RelayProtocol.HopProtocolId, cancellationToken).ConfigureAwait(false); }
        catch (MultistreamException e)
        {
            throw new CircuitRelayException($"{circuit.RelayPeer} is not a relay (it does not serve {RelayProtocol.HopProtocolId}).", null, e);
        }
        try
        {
            using var deadline = new Deadline(_options.HandshakeTimeout, host.TimeProvider, cancellationToken);
            await RelayFraming.WriteAsync(stream, new HopMessage { Type = HopMessage.Types.Type.Connect, Peer = RelayWire.PeerMessage(target) }, deadline.Token).ConfigureAwait(false);
            HopMessage answer;
            try { answer = await RelayFraming.ReadAsync(stream, HopMessage.Parser, deadline.Token).ConfigureAwait(false); }
            catch (RelayProtocolException e) { throw new CircuitRelayException($"The relay {circuit.RelayPeer} broke the hop protocol: {e.Message}", null, e); }
            if (answer.Type != HopMessage.Types.Type.Status)
                throw new CircuitRelayException($"The relay {circuit.RelayPeer} answered CONNECT with {answer.Type}, not STATUS.");
            var status = RelayWire.StatusOf(answer.HasStatus, answer.Status);
            if (status != RelayStatus.Ok)
                throw new CircuitRelayException(
                    $"The relay {circuit.RelayPeer} refused the circuit to {target}: {status?.WireName() ?? "no status"}{Explain(status)}.", status);
            var relayAddress = relay.RemoteAddress.WithPeerId(circuit.RelayPeer);
            return new RelayedConnection(stream,
                CircuitAddress.DialAddress(relayAddress, host.PeerId),
                CircuitAddress.DialAddress(relayAddress, target),
                RelayWire.FromWire(answer.Limit));
        }
        catch
        {
            stream.Abort();
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Explain(RelayStatus? status) => status switch
    {
        RelayStatus.NoReservation => " (the target holds no reservation on that relay)",
        RelayStatus.ResourceLimitExceeded => " (too many circuits through the relay, from us or to the target)",
        RelayStatus.PermissionDenied => " (the relay does not allow it)",
        RelayStatus.ConnectionFailed => " (the relay could not reach the target)",
        _ => "",
    };

    /// <summary>The relay asks us to accept a relayed connection: answer, then hand the stream to the host and hold it until the host is done.</summary>
    private async Task HandleStopAsync(StreamContext ctx, CancellationToken ct)
    {
        var relayConnection = ctx.Connection;
        var relay = relayConnection.RemotePeer;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _shutdown.Token);
        StopMessage request;
        using (var deadline = new Deadline(_options.HandshakeTimeout, Host.TimeProvider, linked.Token))
        {
            try { request = await RelayFraming.ReadAsync(ctx.Stream, StopMessage.Parser, deadline.Token).ConfigureAwait(false); }
            catch (RelayProtocolException e)
            {
                await RefuseStopAsync(ctx, RelayStatus.MalformedMessage, e.Message, linked.Token).ConfigureAwait(false);
                return;
            }
        }
        if (request.Type != StopMessage.Types.Type.Connect)
        {
            await RefuseStopAsync(ctx, RelayStatus.UnexpectedMessage, $"a {request.Type} message is not a STOP request", linked.Token).ConfigureAwait(false);
            return;
        }
        if (RelayWire.PeerIdOf(request.Peer) is not { } source)
        {
            await RefuseStopAsync(ctx, RelayStatus.MalformedMessage, "CONNECT without a valid peer id", linked.Token).ConfigureAwait(false);
            return;
        }
        if (relayConnection.IsLimited)
        {
            await RefuseStopAsync(ctx, RelayStatus.PermissionDenied, $"from {source} over a relayed connection (no chains)", linked.Token).ConfigureAwait(false);
            return;
        }
        var listenerId = ListenerFor(relay);
        if (listenerId is null && !_options.AcceptWithoutListener)
        {
            await RefuseStopAsync(ctx, RelayStatus.PermissionDenied, $"from {source}: no reservation of ours on this relay", linked.Token).ConfigureAwait(false);
            return;
        }
        if (Interlocked.Increment(ref _inbound) > _options.MaxInboundCircuits)
        {
            Interlocked.Decrement(ref _inbound);
            await RefuseStopAsync(ctx, RelayStatus.ResourceLimitExceeded, $"from {source}: {_options.MaxInboundCircuits} relayed connections open already", linked.Token).ConfigureAwait(false);
            return;
        }
        try
        {
            using (var deadline = new Deadline(_options.HandshakeTimeout, Host.TimeProvider, linked.Token))
                await RelayFraming.WriteAsync(ctx.Stream, new StopMessage { Type = StopMessage.Types.Type.Status, Status = Status.Ok }, deadline.Token).ConfigureAwait(false);
            var relayAddress = relayConnection.RemoteAddress.WithPeerId(relay);
            var raw = new RelayedConnection(ctx.Stream,
                CircuitAddress.DialAddress(relayAddress, Host.PeerId),
                CircuitAddress.DialAddress(relayAddress, source),
                RelayWire.FromWire(request.Limit));
            await PublishAsync(new TransportEvent.Incoming(listenerId ?? UnlistedCircuits, raw, raw.LocalAddress, raw.RemoteAddress), linked.Token).ConfigureAwait(false);
            // The host upgrades and later closes the connection; the stream is ours (the handler's) until then.
            await raw.Completion.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inbound);
        }
    }

    private ListenerId? ListenerFor(PeerId relay)
    {
        lock (_listeners)
            foreach (var l in _listeners.Values)
                if (l.Relay == relay) return l.Id;
        return null;
    }

    private async Task RefuseStopAsync(StreamContext ctx, RelayStatus status, string reason, CancellationToken ct)
    {
        Log.StopRefused(ctx.Connection.RemotePeer, ctx.Connection.RemotePeer, reason);
        try
        {
            using var deadline = new Deadline(_options.HandshakeTimeout, Host.TimeProvider, ct);
            await RelayFraming.WriteAsync(ctx.Stream, new StopMessage { Type = StopMessage.Types.Type.Status, Status = RelayWire.ToWire(status) }, deadline.Token).ConfigureAwait(false);
            await ctx.Stream.CloseWriteAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
    }

    /// <summary>Stops every listener (their addresses expire), refuses new work, and ends <see cref="Events"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        List<RelayListener> listeners;
        lock (_listeners) listeners = [.. _listeners.Values];
        _shutdown.Cancel();
        try { await Task.WhenAll(listeners.Select(l => l.Run)).WaitAsync(TimeSpan.FromSeconds(5), _host?.TimeProvider ?? TimeProvider.System).ConfigureAwait(false); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
        _events.Writer.TryComplete();
        _host?.RemoveHandler(RelayProtocol.StopProtocolId);
    }
}
