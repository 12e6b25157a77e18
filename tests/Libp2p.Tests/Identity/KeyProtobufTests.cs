using Libp2p.Identity;

namespace Libp2p.Tests.Identity;

/// <summary>The envelope is accepted only in the spec's deterministic form.</summary>
public class KeyProtobufTests
{
    private static readonly byte[] Ed25519Public = Convert.FromHexString(SpecTestVectors.Ed25519Public);

    [Fact]
    public void EncodingIsTypeThenDataWithMinimalVarints()
    {
        var key = PublicKey.FromProtobuf(Ed25519Public);
        Assert.Equal(Ed25519Public, key.ToProtobuf());
        // RSA: Data length 550 needs a two-byte varint (0xa6 0x04).
        var rsa = PublicKey.FromProtobuf(Convert.FromHexString(SpecTestVectors.RsaPublic));
        Assert.Equal(new byte[] { 0x08, 0x00, 0x12, 0xa6, 0x04 }, rsa.ToProtobuf()[..5]);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "empty" },
        { "0801", "truncated after type" },
        { "08011220" + new string('a', 62), "data one byte short" },
        { "08011220" + new string('a', 64) + "00", "trailing byte" },
        { "1220" + new string('a', 64) + "0801", "fields out of order" },
        { "0881001220" + new string('a', 64), "non-minimal type varint" },
        { "080112a000" + new string('a', 64), "non-minimal length varint" },
        { "08041220" + new string('a', 64), "unknown key type 4" },
        { "0801", "missing data" },
        { "08011220" + new string('a', 64) + "1a00", "extra field 3" },
        { "0801080112" + "20" + new string('a', 64), "repeated type" },
        { "0a01011220" + new string('a', 64), "type with wrong wire type" },
        { "080112ffffffffffffffffff01", "overlong length varint" },
        { "080112808001" + new string('0', 2 * 16384), "data above 8 KiB" },
    };

    [Theory, MemberData(nameof(Malformed))]
    public void NonCanonicalOrTruncatedPublicKeyProtobufIsKeyFormatException(string hex, string why)
    {
        var bytes = Convert.FromHexString(hex);
        var ex = Record.Exception(() => PublicKey.FromProtobuf(bytes));
        Assert.True(ex is KeyFormatException, $"{why}: got {ex?.GetType().Name ?? "no exception"}");
        Assert.IsType<KeyFormatException>(Record.Exception(() => PrivateKey.FromProtobuf(bytes)));
    }

    [Fact]
    public void Ed25519PublicKeyThatIsNotACurvePointIsRejected()
    {
        // y = 2 has no x on edwards25519 (2 is not a valid y-coordinate: x^2 would be a non-residue).
        var data = new byte[32];
        data[0] = 2;
        var encoded = new byte[] { 0x08, 0x01, 0x12, 0x20 }.Concat(data).ToArray();
        Assert.Throws<KeyFormatException>(() => PublicKey.FromProtobuf(encoded));
    }

    [Theory]
    [InlineData(KeyType.Ed25519, 31)]
    [InlineData(KeyType.Ed25519, 33)]
    [InlineData(KeyType.Secp256k1, 31)]
    [InlineData(KeyType.Secp256k1, 34)]
    [InlineData(KeyType.Ecdsa, 10)]
    [InlineData(KeyType.Rsa, 10)]
    public void WrongSizeDataIsRejectedForEachType(KeyType type, int length)
    {
        var data = new byte[length];
        data[0] = 0x02;
        var encoded = new byte[] { 0x08, (byte)type, 0x12, (byte)length }.Concat(data).ToArray();
        Assert.Throws<KeyFormatException>(() => PublicKey.FromProtobuf(encoded));
        Assert.Throws<KeyFormatException>(() => PrivateKey.FromProtobuf(encoded));
    }

    [Fact]
    public void Secp256k1PrivateKeyZeroOrAboveOrderIsRejected()
    {
        var zero = new byte[] { 0x08, 0x02, 0x12, 0x20 }.Concat(new byte[32]).ToArray();
        Assert.Throws<KeyFormatException>(() => PrivateKey.FromProtobuf(zero));
        var ff = new byte[] { 0x08, 0x02, 0x12, 0x20 }.Concat(Enumerable.Repeat((byte)0xff, 32)).ToArray();
        Assert.Throws<KeyFormatException>(() => PrivateKey.FromProtobuf(ff));
    }
}
