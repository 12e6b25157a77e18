using Libp2p.Identity;
using Libp2p.Kad.Records;
using Microsoft.Extensions.Time.Testing;

namespace Libp2p.Tests.Kad;

public class KadRecordTests
{
    // Written by js-libp2p (interop/js peer.mjs --dht-put-pk-rsa: publicKeyToProtobuf of an RSA key) for this peer id.
    private const string JsRsaPeer = "Qmd82tvCGEuBNev61VEedtBXunzbUb7z3AMoZ2qT2TKLo5";
    private const string JsRsaKey =
        "080012a60230820122300d06092a864886f70d01010105000382010f003082010a028201010096ab489a62ad925c74eaae3335d35b3b45e7a0d95da08f98dfec5cf57a2b49fadb43e56746539e89b34b5c2f6af5d26ecae8e1e9ec0a85eee14ac9af0a99be398e1a6a0fc1cf50636c912039c89c9ae09be349b227b00060691e780e83699c7723ca480054295ed3006b91ba2a09081297aa7734a3e647c1e4a8e87477735207970ae3890a8f127abfd769d4b39b92f0601588224790a5ee9f23b4d22ef894c52447b8f919020e4bc6f752a75f0b08ed8bb27af18580f538c9f74b31bf4a2e611b1a984f41cde8c521ca0a8c19e220c8eb86a03629b192ccea32313af399920069cc8afd6d0f9ffe6c5c779b4029b276dc2cdca7d26c12c1e36d518b475065050203010001";

    [Fact]
    public void APublicKeyRecordWrittenByJsValidatesAndAnotherKeyDoesNot()
    {
        var key = RecordKey.PublicKey(PeerId.Parse(JsRsaPeer));
        PublicKeyValidator.Instance.Validate(key, Convert.FromHexString(JsRsaKey));
        var other = PrivateKey.Generate().PublicKey.ToProtobuf();
        Assert.Throws<RecordValidationException>(() => PublicKeyValidator.Instance.Validate(key, other));
        Assert.Throws<RecordValidationException>(() => PublicKeyValidator.Instance.Validate(key, [1, 2, 3]));
    }

    [Fact]
    public void RecordKeysSplitIntoNamespaceAndRestAndRoundTripAsText()
    {
        var peer = PrivateKey.Generate().ToPeerId();
        var key = RecordKey.Parse($"/pk/{peer}");
        Assert.True(RecordKey.TrySplit(key, out var ns, out var rest));
        Assert.Equal("pk", ns);
        Assert.True(rest.SequenceEqual(peer.Bytes));
        Assert.Equal($"/pk/{peer}", RecordKey.Format(key));
        Assert.False(RecordKey.TrySplit("nonamespace"u8, out _, out _));
        Assert.False(RecordKey.TrySplit("//x"u8, out _, out _));
    }

    [Fact]
    public void AnIpnsRecordVerifiesUntilItExpiresAndATamperedOneNever()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var owner = PrivateKey.Generate();
        var key = RecordKey.Ipns(owner.ToPeerId());
        var record = IpnsRecord.Create(owner, "/ipfs/bafkqaddwgevxmmraojswg33smq"u8, 7, time.GetUtcNow().AddHours(1), TimeSpan.FromMinutes(5));
        var validator = new IpnsValidator(time);
        validator.Validate(key, record);
        var parsed = IpnsRecord.Verify(owner.ToPeerId(), record);
        Assert.Equal(7UL, parsed.Sequence);
        Assert.Equal("/ipfs/bafkqaddwgevxmmraojswg33smq"u8.ToArray(), parsed.Value);

        var tampered = (byte[])record.Clone();
        tampered[^3] ^= 1;
        Assert.Throws<RecordValidationException>(() => validator.Validate(key, tampered));
        Assert.Throws<RecordValidationException>(() => validator.Validate(RecordKey.Ipns(PrivateKey.Generate().ToPeerId()), record));

        time.Advance(TimeSpan.FromHours(2));
        Assert.Throws<RecordValidationException>(() => validator.Validate(key, record));
    }

    [Fact]
    public void TheIpnsRecordWithTheHighestSequenceIsSelected()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var owner = PrivateKey.Generate();
        var key = RecordKey.Ipns(owner.ToPeerId());
        var older = IpnsRecord.Create(owner, "/ipfs/a"u8, 1, time.GetUtcNow().AddDays(2), TimeSpan.Zero);
        var newer = IpnsRecord.Create(owner, "/ipfs/b"u8, 2, time.GetUtcNow().AddDays(1), TimeSpan.Zero);
        Assert.Equal(1, new IpnsValidator(time).Select(key, [older, newer]));
        Assert.Equal(0, new IpnsValidator(time).Select(key, [newer, older]));
    }

    [Fact]
    public void IpnsTimesWithNineFractionalDigitsParse()
    {
        Assert.True(IpnsTime.TryParse("2026-03-04T05:06:07.123456789Z", out var t));
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234567), t);
        Assert.True(IpnsTime.TryParse(IpnsTime.Format(t), out var again));
        Assert.Equal(t, again);
        Assert.False(IpnsTime.TryParse("yesterday", out _));
    }
}
