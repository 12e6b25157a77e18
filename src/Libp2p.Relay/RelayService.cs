using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Relay.Pb;
using Microsoft.Extensions.Logging;

namespace Libp2p.Relay;

/// <summary>
/// The relay side of circuit relay v2: serves <c>/libp2p/circuit/relay/0.2.0/hop</c> on a host. Peers reserve a slot
/// (answered with the relay's addresses, a signed voucher and the circuit limit), and others reach them through it:
/// the relay opens a <c>/stop</c> stream to the target over the target's own connection and copies bytes between the two
/// streams within the limits of <see cref="RelayServiceOptions"/>. Reservations and circuits over a relayed connection
/// are refused (no relay chains), as in go-libp2p and js-libp2p. Dispose to stop serving; circuits in flight are reset.
/// </summary>
public sealed class RelayService : IAsyncDisposable
{
    private readonly Libp2pHost _host;
    private readonly RelayServiceOptions _options;
    private readonly ReservationTable _table;
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _log;
    private readonly Action<Connection, Exception?> _onClosed;
    private long _reservationsAccepted, _reservationsRefused, _circuitsOpened, _circuitsRefused, _circuitsCutByLimit, _bytesRelayed;
    private int _disposed;

    /// <summary>Starts serving the hop protocol on <paramref name="host"/>.</summary>
    public RelayService(Libp2pHost host, RelayServiceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        _options = options ?? new RelayServiceOptions();
        _options.Validate();
        _table = new ReservationTable(_options);
        _log = host.Options.LoggerFactory.CreateLogger("Libp2p.Relay");
        _onClosed = (connection, _) => _table.OnConnectionClosed(connection, _host.FindConnection(connection.RemotePeer));
        host.ConnectionClosed += _onClosed;
        host.SetHandler(RelayProtocol.HopProtocolId, HandleHopAsync, _options.MaxHopStreamsPerConnection);
        _ = SweepAsync();
    }

    /// <summary>The options the service was created with.</summary>
    public RelayServiceOptions Options => _options;

    /// <summary>Peers holding a reservation now.</summary>
    public IReadOnlyList<PeerId> Reservations => _table.Peers;

    /// <summary>Circuits being relayed now.</summary>
    public int ActiveCircuits => _table.Circuits;

    /// <summary>Counters since the service started.</summary>
    public RelayServiceStats Stats => new(
        Interlocked.Read(ref _reservationsAccepted), Interlocked.Read(ref _reservationsRefused),
        Interlocked.Read(ref _circuitsOpened), Interlocked.Read(ref _circuitsRefused),
        Interlocked.Read(ref _circuitsCutByLimit), Interlocked.Read(ref _bytesRelayed));

    private async Task HandleHopAsync(StreamContext ctx, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        HopMessage request;
        using (var deadline = new Deadline(_options.HandshakeTimeout, _host.TimeProvider, linked.Token))
        {
            try { request = await RelayFraming.ReadAsync(ctx.Stream, HopMessage.Parser, deadline.Token).ConfigureAwait(false); }
            catch (RelayProtocolException e)
            {
                await RefuseAsync(ctx, "hop request", RelayStatus.MalformedMessage, e.Message, linked.Token).ConfigureAwait(false);
                return;
            }
        }
        switch (request.Type)
        {
            case HopMessage.Types.Type.Reserve:
                await ReserveAsync(ctx, linked.Token).ConfigureAwait(false);
                break;
            case HopMessage.Types.Type.Connect:
                await ConnectAsync(ctx, request, linked.Token).ConfigureAwait(false);
                break;
            default:
                await RefuseAsync(ctx, "hop request", RelayStatus.UnexpectedMessage, $"a {request.Type} message is not a request", linked.Token).ConfigureAwait(false);
                break;
        }
    }

    private async Task ReserveAsync(StreamContext ctx, CancellationToken ct)
    {
        var connection = ctx.Connection;
        var peer = connection.RemotePeer;
        if (connection.IsLimited)
        {
            await RefuseAsync(ctx, "reservation", RelayStatus.PermissionDenied, "reservation over a relayed connection", ct).ConfigureAwait(false);
            return;
        }
        if (_options.AllowReservation?.Invoke(peer, connection.RemoteAddress) == false)
        {
            await RefuseAsync(ctx, "reservation", RelayStatus.PermissionDenied, "not allowed by AllowReservation", ct).ConfigureAwait(false);
            return;
        }
        var now = _host.TimeProvider.GetUtcNow();
        // Whole seconds on the wire: the expiry we keep is the one we announce.
        var expire = DateTimeOffset.FromUnixTimeSeconds((now + _options.ReservationTtl).ToUnixTimeSeconds());
        if (_table.TryReserve(connection, now, expire) is { } refusal)
        {
            await RefuseAsync(ctx, "reservation", RelayStatus.ReservationRefused, refusal, ct).ConfigureAwait(false);
            return;
        }
        var reservation = new Reservation
        {
            Expire = (ulong)expire.ToUnixTimeSeconds(),
            Voucher = ByteString.CopyFrom(new ReservationVoucher(_host.PeerId, peer, expire).Seal(_host.Identity).ToBytes()),
        };
        foreach (var address in RelayAddresses())
            reservation.Addrs.Add(ByteString.CopyFrom(address.Bytes));
        var answer = new HopMessage { Type = HopMessage.Types.Type.Status, Status = Status.Ok, Reservation = reservation };
        if (RelayWire.ToWire(_options.Limit) is { } limit) answer.Limit = limit;
        using var deadline = new Deadline(_options.HandshakeTimeout, _host.TimeProvider, ct);
        await RelayFraming.WriteAsync(ctx.Stream, answer, deadline.Token).ConfigureAwait(false);
        await ctx.Stream.CloseWriteAsync(deadline.Token).ConfigureAwait(false);
        Interlocked.Increment(ref _reservationsAccepted);
        _log.Reserved(peer, expire);
    }

    /// <summary>The relay's own direct addresses with its peer id (what a client turns into circuit addresses).</summary>
    private IEnumerable<Multiaddr> RelayAddresses() => _host.ListenAddresses
        .Where(a => !a.Components.Any(c => c.Protocol.Code == MultiaddrProtocol.P2pCircuit.Code))
        .Select(a => a.WithPeerId(_host.PeerId))
        .Take(_options.MaxReservationAddresses);

    private async Task ConnectAsync(StreamContext ctx, HopMessage request, CancellationToken ct)
    {
        var source = ctx.Connection.RemotePeer;
        if (ctx.Connection.IsLimited)
        {
            await RefuseAsync(ctx, "circuit", RelayStatus.PermissionDenied, "circuit request over a relayed connection", ct).ConfigureAwait(false);
            return;
        }
        if (RelayWire.PeerIdOf(request.Peer) is not { } target)
        {
            await RefuseAsync(ctx, "circuit", RelayStatus.MalformedMessage, "CONNECT without a valid peer id", ct).ConfigureAwait(false);
            return;
        }
        if (_options.AllowConnect?.Invoke(source, ctx.Connection.RemoteAddress, target) == false)
        {
            await RefuseAsync(ctx, "circuit", RelayStatus.PermissionDenied, $"to {target} not allowed by AllowConnect", ct).ConfigureAwait(false);
            return;
        }
        if (_table.FindReserved(target, _host.TimeProvider.GetUtcNow()) is not { } targetConnection)
        {
            await RefuseAsync(ctx, "circuit", RelayStatus.NoReservation, $"{target} holds no reservation", ct).ConfigureAwait(false);
            return;
        }
        if (_table.TryOpenCircuit(source, target) is { } full)
        {
            await RefuseAsync(ctx, "circuit", RelayStatus.ResourceLimitExceeded, full, ct).ConfigureAwait(false);
            return;
        }
        IDuplexStream? stop = null;
        try
        {
            using (var deadline = new Deadline(_options.HandshakeTimeout, _host.TimeProvider, ct))
            {
                string? failure = null;
                try
                {
                    stop = await targetConnection.OpenStreamAsync(RelayProtocol.StopProtocolId, deadline.Token).ConfigureAwait(false);
                    var connect = new StopMessage { Type = StopMessage.Types.Type.Connect, Peer = RelayWire.PeerMessage(source) };
                    if (RelayWire.ToWire(_options.Limit) is { } stopLimit) connect.Limit = stopLimit;
                    await RelayFraming.WriteAsync(stop, connect, deadline.Token).ConfigureAwait(false);
                    var answer = await RelayFraming.ReadAsync(stop, StopMessage.Parser, deadline.Token).ConfigureAwait(false);
                    if (answer.Type != StopMessage.Types.Type.Status)
                        failure = $"{target} answered the STOP request with {answer.Type}";
                    else if (RelayWire.StatusOf(answer.HasStatus, answer.Status) is not RelayStatus.Ok)
                        failure = $"{target} refused the circuit: {RelayWire.StatusOf(answer.HasStatus, answer.Status)?.WireName() ?? "no status"}";
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    failure = $"STOP to {target} failed: {e.Message}";
                }
                if (failure is not null)
                {
                    stop?.Abort();
                    await RefuseAsync(ctx, "circuit", RelayStatus.ConnectionFailed, failure, ct).ConfigureAwait(false);
                    return;
                }
                var ok = new HopMessage { Type = HopMessage.Types.Type.Status, Status = Status.Ok };
                if (RelayWire.ToWire(_options.Limit) is { } hopLimit) ok.Limit = hopLimit;
                await RelayFraming.WriteAsync(ctx.Stream, ok, deadline.Token).ConfigureAwait(false);
            }
            Interlocked.Increment(ref _circuitsOpened);
            _log.CircuitOpened(source, target);
            var bridge = new CircuitBridge(ctx.Stream, stop!, _options.Limit, _options.BufferSize);
            var reason = await bridge.RunAsync(_host.TimeProvider, ct).ConfigureAwait(false);
            Interlocked.Add(ref _bytesRelayed, bridge.Bytes);
            if (bridge.EndedByLimit) Interlocked.Increment(ref _circuitsCutByLimit);
            _log.CircuitEnded(source, target, bridge.Bytes, reason);
        }
        finally
        {
            _table.CloseCircuit(source, target);
            if (stop is not null) await stop.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Answers a request with a refusal and closes our side; the peer's side is closed by the host after the handler.</summary>
    private async Task RefuseAsync(StreamContext ctx, string request, RelayStatus status, string reason, CancellationToken ct)
    {
        Interlocked.Increment(ref request == "circuit" ? ref _circuitsRefused : ref _reservationsRefused);
        _log.Refused(request, ctx.Connection.RemotePeer, status.WireName(), reason);
        try
        {
            using var deadline = new Deadline(_options.HandshakeTimeout, _host.TimeProvider, ct);
            await RelayFraming.WriteAsync(ctx.Stream, new HopMessage { Type = HopMessage.Types.Type.Status, Status = RelayWire.ToWire(status) }, deadline.Token).ConfigureAwait(false);
            await ctx.Stream.CloseWriteAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            _log.HopFailed(ctx.Connection.RemotePeer, e);
        }
    }

    private async Task SweepAsync()
    {
        var period = TimeSpan.FromTicks(Math.Clamp(_options.ReservationTtl.Ticks / 2, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        try
        {
            while (true)
            {
                await Task.Delay(period, _host.TimeProvider, _stop.Token).ConfigureAwait(false);
                _table.Sweep(_host.TimeProvider.GetUtcNow());
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Stops serving: the hop handler is removed, reservations dropped and circuits in flight reset.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return default;
        _host.RemoveHandler(RelayProtocol.HopProtocolId);
        _host.ConnectionClosed -= _onClosed;
        _stop.Cancel();
        _table.Clear();
        return default;
    }
}

/// <summary>What a relay did since it started.</summary>
public sealed record RelayServiceStats(
    long ReservationsAccepted, long ReservationsRefused, long CircuitsOpened, long CircuitsRefused, long CircuitsCutByLimit, long BytesRelayed);
