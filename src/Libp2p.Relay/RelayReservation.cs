using Libp2p.Core;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Multistream;
using Libp2p.Relay.Pb;
using Libp2p.Transports;

namespace Libp2p.Relay;

/// <summary>A slot reserved on a relay: until when, the circuit addresses to announce, the limit of circuits, the voucher.</summary>
public sealed record RelayReservation(
    PeerId Relay, DateTimeOffset Expire, IReadOnlyList<Multiaddr> Addresses, ConnectionLimit Limit, ReservationVoucher? Voucher)
{
    /// <summary>
    /// Sends RESERVE on a new hop stream of <paramref name="relay"/> and checks the answer: status OK, a voucher (when
    /// present) signed by the relay for us, and the relay's addresses, turned into circuit addresses
    /// (<c>ADDR/p2p/RELAY/p2p-circuit</c>; at most <paramref name="maxAddresses"/>, the relay connection's own address first).
    /// </summary>
    /// <exception cref="CircuitRelayException">The relay refused (its status is in the exception) or broke the protocol.</exception>
    internal static async Task<RelayReservation> ReserveAsync(Connection relay, PeerId self, int maxAddresses, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(relay);
        if (relay.IsLimited)
            throw new CircuitRelayException($"Not reserving on {relay.RemotePeer} over a relayed connection (relays refuse that).", RelayStatus.PermissionDenied);
        IDuplexStream stream;
        try { stream = await relay.OpenStreamAsync(RelayProtocol.HopProtocolId, ct).ConfigureAwait(false); }
        catch (MultistreamException e)
        {
            throw new CircuitRelayException($"{relay.RemotePeer} is not a relay (it does not serve {RelayProtocol.HopProtocolId}).", null, e);
        }
        await using (stream.ConfigureAwait(false))
        {
            HopMessage answer;
            try
            {
                await RelayFraming.WriteAsync(stream, new HopMessage { Type = HopMessage.Types.Type.Reserve }, ct).ConfigureAwait(false);
                answer = await RelayFraming.ReadAsync(stream, HopMessage.Parser, ct).ConfigureAwait(false);
                await stream.CloseWriteAsync(ct).ConfigureAwait(false);
            }
            catch (RelayProtocolException e)
            {
                throw new CircuitRelayException($"The reservation on {relay.RemotePeer} failed: {e.Message}", null, e);
            }
            return FromAnswer(relay, self, answer, maxAddresses);
        }
    }

    private static RelayReservation FromAnswer(Connection relay, PeerId self, HopMessage answer, int maxAddresses)
    {
        var relayPeer = relay.RemotePeer;
        if (answer.Type != HopMessage.Types.Type.Status)
            throw new CircuitRelayException($"{relayPeer} answered the reservation with {answer.Type}, not STATUS.");
        var status = RelayWire.StatusOf(answer.HasStatus, answer.Status);
        if (status != RelayStatus.Ok)
            throw new CircuitRelayException($"The relay {relayPeer} refused the reservation: {status?.WireName() ?? "no status"}.", status);
        if (answer.Reservation is not { } reservation)
            throw new CircuitRelayException($"{relayPeer} accepted the reservation without saying until when (no reservation field).");
        ReservationVoucher? voucher = null;
        if (reservation.HasVoucher && !reservation.Voucher.IsEmpty)
        {
            try { voucher = ReservationVoucher.Open(reservation.Voucher.Span); }
            catch (RelayProtocolException e) { throw new CircuitRelayException($"The reservation on {relayPeer} failed: {e.Message}", null, e); }
            if (voucher.Relay != relayPeer || voucher.Peer != self)
                throw new CircuitRelayException($"The reservation voucher from {relayPeer} is for relay {voucher.Relay} and peer {voucher.Peer}.");
        }
        var expire = reservation.HasExpire && reservation.Expire <= (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds((long)reservation.Expire)
            : throw new CircuitRelayException($"{relayPeer} accepted the reservation without a valid expiry.");
        return new RelayReservation(relayPeer, expire, CircuitAddresses(relay, reservation, maxAddresses), RelayWire.FromWire(answer.Limit), voucher);
    }

    /// <summary>The relay's addresses as circuit listen addresses: the one we reached it at first (when we dialed it), then what it sent.</summary>
    private static List<Multiaddr> CircuitAddresses(Connection relay, Reservation reservation, int max)
    {
        var relayPeer = relay.RemotePeer;
        var result = new List<Multiaddr>();
        void Add(Multiaddr a)
        {
            if (result.Count >= max) return;
            if (a.Components.Any(c => c.Protocol.Code == MultiaddrProtocol.P2pCircuit.Code)) return;
            if (a.Components.Count > 0 && a.Components[^1].Protocol.Code == MultiaddrProtocol.P2p.Code)
            {
                if (!PeerId.TryFromBytes(a.Components[^1].RawValue.Span, out var id) || id != relayPeer) return;
            }
            else a = a.WithPeerId(relayPeer);
            if (a.Components.Count < 2) return; // a bare /p2p/RELAY is no address
            var circuit = CircuitAddress.ListenAddress(a);
            if (!result.Contains(circuit)) result.Add(circuit);
        }
        if (relay.Direction == ConnectionDirection.Outbound) Add(relay.RemoteAddress);
        foreach (var bytes in reservation.Addrs)
            if (Multiaddr.TryFromBytes(bytes.Span, out var a)) Add(a);
        return result;
    }
}
