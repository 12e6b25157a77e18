using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Transports;
using Microsoft.Extensions.Logging;

namespace Libp2p.Relay;

/// <summary>
/// One <c>…/p2p/RELAY/p2p-circuit</c> listener: holds a reservation on the relay and announces the circuit addresses it
/// yields. It keeps the relay connection open (out of the idle timeout), refreshes before expiry, and when the connection
/// or a refresh is lost withdraws the addresses and reserves again with a doubling delay. If the very first reservation
/// fails the listener closes with that error (so <c>ListenAsync</c> throws it).
/// </summary>
internal sealed class RelayListener
{
    private readonly CircuitRelayTransport _transport;
    private readonly Libp2pHost _host;
    private readonly CircuitAddress _address;
    private readonly RelayClientOptions _options;
    private readonly CancellationTokenSource _cts;
    private readonly List<Multiaddr> _announced = [];

    public RelayListener(CircuitRelayTransport transport, Libp2pHost host, ListenerId id, CircuitAddress address, RelayClientOptions options, CancellationToken shutdown)
    {
        _transport = transport;
        _host = host;
        Id = id;
        _address = address;
        _options = options;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
    }

    public ListenerId Id { get; }

    public PeerId Relay => _address.RelayPeer;

    /// <summary>The reservation held now, or null between reservations.</summary>
    public RelayReservation? Current { get; private set; }

    public Task Run { get; private set; } = Task.CompletedTask;

    public void Start() => Run = RunAsync();

    public void Stop() => _cts.Cancel();

    private async Task RunAsync()
    {
        var ct = _cts.Token;
        var log = _transport.Log;
        Exception? closedBy = null;
        bool reservedOnce = false;
        var delay = _options.RetryDelay;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                Connection connection;
                RelayReservation reservation;
                try
                {
                    using var deadline = new Core.Deadline(_options.HandshakeTimeout, _host.TimeProvider, ct);
                    connection = _address.RelayHasTransportAddress
                        ? await _host.DialAsync(_address.Relay, deadline.Token).ConfigureAwait(false)
                        : await _host.DialAsync(_address.RelayPeer, deadline.Token).ConfigureAwait(false);
                    reservation = await RelayReservation.ReserveAsync(connection, _host.PeerId, _options.MaxAddressesPerRelay, deadline.Token).ConfigureAwait(false);
                    if (reservation.Addresses.Count == 0)
                        throw new CircuitRelayException($"The relay {Relay} gave no address to announce.");
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    if (!reservedOnce)
                    {
                        closedBy = e;
                        return;
                    }
                    Current = null;
                    await WithdrawAsync(ct).ConfigureAwait(false);
                    log.ReservationFailed(_address.Relay, delay, e);
                    await _transport.PublishAsync(new TransportEvent.ListenerError(Id, e), ct).ConfigureAwait(false);
                    await Task.Delay(delay, _host.TimeProvider, ct).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
                    continue;
                }
                reservedOnce = true;
                delay = _options.RetryDelay;
                Current = reservation;
                log.ReservationMade(Relay, reservation.Expire, reservation.Addresses.Count);
                await AnnounceAsync(reservation.Addresses, ct).ConfigureAwait(false);
                using (connection.KeepAlive())
                {
                    var wait = Task.Delay(RefreshIn(reservation.Expire), _host.TimeProvider, ct);
                    await Task.WhenAny(wait, connection.Closed).ConfigureAwait(false);
                    if (connection.IsClosed && !ct.IsCancellationRequested)
                    {
                        // The reservation died with its connection; reserving again dials the relay again.
                        Current = null;
                        await WithdrawAsync(ct).ConfigureAwait(false);
                        await Task.Delay(_options.RetryDelay, _host.TimeProvider, ct).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            Current = null;
            await WithdrawAsync(CancellationToken.None).ConfigureAwait(false);
            _transport.OnListenerEnded(this);
            await _transport.PublishAsync(new TransportEvent.ListenerClosed(Id, closedBy), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>When to refresh: before expiry by <see cref="RelayClientOptions.RefreshMargin"/>, at most half the time left, at least a second on.</summary>
    private TimeSpan RefreshIn(DateTimeOffset expire)
    {
        var left = expire - _host.TimeProvider.GetUtcNow();
        if (left <= TimeSpan.Zero) return TimeSpan.FromSeconds(10); // the relay's clock is behind ours; ask again soon
        var margin = left / 2 < _options.RefreshMargin ? left / 2 : _options.RefreshMargin;
        var wait = left - margin;
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }

    private async Task AnnounceAsync(IReadOnlyList<Multiaddr> addresses, CancellationToken ct)
    {
        foreach (var gone in _announced.Where(a => !addresses.Contains(a)).ToList())
        {
            _announced.Remove(gone);
            await _transport.PublishAsync(new TransportEvent.AddressExpired(Id, gone), ct).ConfigureAwait(false);
        }
        foreach (var added in addresses.Where(a => !_announced.Contains(a)).ToList())
        {
            _announced.Add(added);
            await _transport.PublishAsync(new TransportEvent.NewAddress(Id, added), ct).ConfigureAwait(false);
        }
    }

    private async Task WithdrawAsync(CancellationToken ct)
    {
        foreach (var gone in _announced.ToList())
        {
            _announced.Remove(gone);
            await _transport.PublishAsync(new TransportEvent.AddressExpired(Id, gone), ct).ConfigureAwait(false);
        }
    }
}
