using Libp2p.Identity;
using Libp2p.Relay;

namespace Libp2p.Tests.Relay;

/// <summary>Reservation vouchers in signed envelopes: js-libp2p's bytes, ours, and every way to forge one.</summary>
public class VoucherTests
{
    // Written by js-libp2p (@libp2p/circuit-relay-v2 4.2.13's ReservationVoucherRecord sealed with @libp2p/peer-record's
    // RecordEnvelope): relay key from seed 32 x 0x01, peer key from seed 32 x 0x02, expiration 1700000000.
    private const string JsVoucher =
        "0a24080112208a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c120203021a560a260024080112208a88e3dd" +
        "7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c12260024080112208139770ea87d175f56a35466c34c7ecccb8d8a91" +
        "b4ee37a25df60f5b8fc9b3941880e2cfaa062a4031285ce1e0c9c3b03e318e845c0a2c505908f76e0321c92c4c84e7651285a62f4331fbcc" +
        "4e57611df9c73f46dace9ca3a38c51365d148c2acd54ee8838f07702";

    private static readonly PrivateKey RelayKey = Ed25519PrivateKey.FromSeed(Enumerable.Repeat((byte)1, 32).ToArray());
    private static readonly PrivateKey PeerKey = Ed25519PrivateKey.FromSeed(Enumerable.Repeat((byte)2, 32).ToArray());

    [Fact]
    public void AVoucherJsSignedOpensWithItsRelayPeerAndExpiration()
    {
        var voucher = ReservationVoucher.Open(Convert.FromHexString(JsVoucher));

        Assert.Equal(PeerId.Parse("12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5"), voucher.Relay);
        Assert.Equal(RelayKey.ToPeerId(), voucher.Relay);
        Assert.Equal(PeerKey.ToPeerId(), voucher.Peer);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), voucher.Expiration);
    }

    [Fact]
    public void OurVoucherIsByteForByteTheOneJsWrites()
    {
        var voucher = new ReservationVoucher(RelayKey.ToPeerId(), PeerKey.ToPeerId(), DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        // Ed25519 signatures are deterministic, so the whole envelope is.
        Assert.Equal(JsVoucher, Convert.ToHexStringLower(voucher.Seal(RelayKey).ToBytes()));
    }

    [Fact]
    public void AVoucherWithAnyByteChangedIsRejected()
    {
        byte[] good = Convert.FromHexString(JsVoucher);
        for (int i = 0; i < good.Length; i++)
        {
            byte[] bad = (byte[])good.Clone();
            bad[i] ^= 0x01;
            // Every change breaks the encoding, the key, the type, the payload or the signature; none may open.
            Assert.ThrowsAny<RelayProtocolException>(() => ReservationVoucher.Open(bad));
        }
    }

    [Fact]
    public void AVoucherSignedByAnotherKeyThanTheRelayItNamesIsRejected()
    {
        var voucher = new ReservationVoucher(RelayKey.ToPeerId(), PeerKey.ToPeerId(), DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var forged = SignedEnvelope.Seal(PeerKey, ReservationVoucher.Domain, ReservationVoucher.PayloadType,
            voucher.Seal(RelayKey).Payload.Span);

        var e = Assert.Throws<RelayProtocolException>(() => ReservationVoucher.Open(forged.ToBytes()));
        Assert.Contains("signed by", e.Message);
        Assert.Throws<ArgumentException>(() => voucher.Seal(PeerKey));
    }

    [Fact]
    public void AnEnvelopeUnderAnotherDomainOrPayloadTypeIsNotAVoucher()
    {
        var payload = new ReservationVoucher(RelayKey.ToPeerId(), PeerKey.ToPeerId(), DateTimeOffset.UnixEpoch).Seal(RelayKey).Payload.Span;
        var otherDomain = SignedEnvelope.Seal(RelayKey, "libp2p-peer-record", ReservationVoucher.PayloadType, payload);
        var otherType = SignedEnvelope.Seal(RelayKey, ReservationVoucher.Domain, [0x03, 0x01], payload);

        Assert.Throws<RelayProtocolException>(() => ReservationVoucher.Open(otherDomain.ToBytes()));
        Assert.Contains("payload type", Assert.Throws<RelayProtocolException>(() => ReservationVoucher.Open(otherType.ToBytes())).Message);
        Assert.Throws<SignedEnvelopeException>(() => SignedEnvelope.Open(otherDomain.ToBytes(), ReservationVoucher.Domain));
        Assert.Equal(RelayKey.ToPeerId(), SignedEnvelope.Open(otherDomain.ToBytes(), "libp2p-peer-record").Signer);
    }
}
