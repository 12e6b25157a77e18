using Google.Protobuf;
using Libp2p.Identity;
using VoucherMessage = Libp2p.Relay.Pb.ReservationVoucher;

namespace Libp2p.Relay;

/// <summary>
/// A relay's signed statement that it will relay to <see cref="Peer"/> until <see cref="Expiration"/>: the payload of a
/// signed envelope under domain <see cref="Domain"/> with payload type <see cref="PayloadType"/>. The spec calls vouchers
/// advisory (nobody requires them to dial yet); a client still rejects a reservation whose voucher does not verify or
/// names another relay, peer or expiration, as go-libp2p does.
/// </summary>
public sealed record ReservationVoucher(PeerId Relay, PeerId Peer, DateTimeOffset Expiration)
{
    /// <summary>The signature domain of vouchers.</summary>
    internal const string Domain = "libp2p-relay-rsvp";

    // The multicodec libp2p-relay-rsvp (0x0302) as go-libp2p and js-libp2p write it: the two bytes 0x03 0x02, not its varint.
    private static readonly byte[] s_payloadType = [0x03, 0x02];

    /// <summary>The envelope's payload type for vouchers.</summary>
    internal static ReadOnlySpan<byte> PayloadType => s_payloadType;

    /// <summary>Signs the voucher with the relay's key (which must be <see cref="Relay"/>'s).</summary>
    internal SignedEnvelope Seal(PrivateKey relayKey)
    {
        ArgumentNullException.ThrowIfNull(relayKey);
        if (relayKey.ToPeerId() != Relay)
            throw new ArgumentException("A voucher is signed by the relay it names.", nameof(relayKey));
        var payload = new VoucherMessage
        {
            Relay = ByteString.CopyFrom(Relay.Bytes),
            Peer = ByteString.CopyFrom(Peer.Bytes),
            Expiration = (ulong)Math.Max(0, Expiration.ToUnixTimeSeconds()),
        };
        return SignedEnvelope.Seal(relayKey, Domain, PayloadType, payload.ToByteArray());
    }

    /// <summary>Opens and checks a voucher: signature, payload type, and a signer that is the relay it names.</summary>
    /// <exception cref="RelayProtocolException">Any of those fails, or the payload is malformed.</exception>
    internal static ReservationVoucher Open(ReadOnlySpan<byte> envelopeBytes)
    {
        SignedEnvelope envelope;
        try { envelope = SignedEnvelope.Open(envelopeBytes, Domain); }
        catch (SignedEnvelopeException e) { throw new RelayProtocolException($"Bad reservation voucher: {e.Message}", e); }
        if (!envelope.PayloadType.Span.SequenceEqual(PayloadType))
            throw new RelayProtocolException($"The reservation voucher's payload type is {Convert.ToHexString(envelope.PayloadType.Span)}, not 0302.");
        VoucherMessage message;
        try { message = VoucherMessage.Parser.ParseFrom(envelope.Payload.Span); }
        catch (InvalidProtocolBufferException e) { throw new RelayProtocolException($"Malformed reservation voucher: {e.Message}", e); }
        if (!PeerId.TryFromBytes(message.Relay.Span, out var relay) || !PeerId.TryFromBytes(message.Peer.Span, out var peer))
            throw new RelayProtocolException("The reservation voucher's relay or peer is not a peer id.");
        if (envelope.Signer != relay)
            throw new RelayProtocolException($"The reservation voucher names relay {relay} but is signed by {envelope.Signer}.");
        if (message.Expiration > (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            throw new RelayProtocolException("The reservation voucher's expiration is out of range.");
        return new ReservationVoucher(relay, peer, DateTimeOffset.FromUnixTimeSeconds((long)message.Expiration));
    }
}
