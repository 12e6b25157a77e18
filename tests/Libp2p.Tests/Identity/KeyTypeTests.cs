using Libp2p.Identity;

namespace Libp2p.Tests.Identity;

/// <summary>Generation, signing and encodings of each key type.</summary>
public class KeyTypeTests
{
    public static TheoryData<KeyType> AllTypes => new() { KeyType.Ed25519, KeyType.Secp256k1, KeyType.Ecdsa, KeyType.Rsa };

    // RSA generation (BouncyCastle, 2048 bits) takes one to several seconds: generate once for the whole class.
    private static readonly Lazy<PrivateKey> GeneratedRsa = new(() => PrivateKey.Generate(KeyType.Rsa));

    private static PrivateKey Generate(KeyType type) => type == KeyType.Rsa ? GeneratedRsa.Value : PrivateKey.Generate(type);

    private static PublicKey OtherKey(KeyType type) => type == KeyType.Rsa
        ? PublicKey.FromProtobuf(Convert.FromHexString(SpecTestVectors.RsaPublic))
        : PrivateKey.Generate(type).PublicKey;

    [Theory, MemberData(nameof(AllTypes))]
    public void GeneratedKeySignsVerifiesAndRoundtrips(KeyType type)
    {
        var key = Generate(type);
        Assert.Equal(type, key.Type);
        Assert.Equal(type, key.PublicKey.Type);
        var msg = new byte[1000];
        Random.Shared.NextBytes(msg);
        var sig = key.Sign(msg);
        Assert.True(key.PublicKey.Verify(msg, sig));
        msg[0] ^= 1;
        Assert.False(key.PublicKey.Verify(msg, sig));
        Assert.False(key.PublicKey.Verify(msg, ReadOnlySpan<byte>.Empty));
        Assert.False(OtherKey(type).Verify(msg, key.Sign(msg)));

        var reloaded = PrivateKey.FromProtobuf(key.ToProtobuf());
        Assert.Equal(key.ToProtobuf(), reloaded.ToProtobuf());
        Assert.Equal(key.PublicKey, reloaded.PublicKey);
        Assert.Equal(key.ToPeerId(), reloaded.ToPeerId());
        Assert.Equal(key.PublicKey, PublicKey.FromProtobuf(key.PublicKey.ToProtobuf()));
    }

    [Theory]
    [InlineData(KeyType.Ed25519, true, "12D3KooW")]
    [InlineData(KeyType.Secp256k1, true, "16Uiu2HA")]
    [InlineData(KeyType.Ecdsa, false, "Qm")]
    [InlineData(KeyType.Rsa, false, "Qm")]
    public void PeerIdInlinesShortKeysAndHashesLongOnes(KeyType type, bool inline, string prefix)
    {
        var id = Generate(type).ToPeerId();
        Assert.Equal(inline, id.HasInlinePublicKey);
        Assert.StartsWith(prefix, id.ToString());
    }

    [Fact]
    public void Ed25519FromSeedMatchesJsGenerateKeyPairFromSeed()
    {
        // Seed 0x00..0x1f; expected id printed by @libp2p/crypto 5.1.23 generateKeyPairFromSeed('Ed25519', seed).
        var seed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var key = Ed25519PrivateKey.FromSeed(seed);
        Assert.Equal(seed, key.Seed.ToArray());
        Assert.Equal(JsSeedPeerId, key.ToPeerId().ToString());
    }

    internal const string JsSeedPeerId = "12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB";

    [Fact]
    public void Secp256k1UncompressedPublicKeyIsAcceptedAndNormalisedToCompressed()
    {
        var key = (Secp256k1PrivateKey)PrivateKey.Generate(KeyType.Secp256k1);
        var pub = (Secp256k1PublicKey)key.PublicKey;
        var uncompressed = pub.Parameters.Q.GetEncoded(compressed: false);
        var parsed = Secp256k1PublicKey.FromBytes(uncompressed);
        Assert.Equal(33, parsed.Data.Length);
        Assert.Equal(pub, parsed);
        Assert.Equal(key.ToPeerId(), parsed.ToPeerId());
    }

    [Fact]
    public void Secp256k1SignaturesAreLowSDer()
    {
        var key = PrivateKey.Generate(KeyType.Secp256k1);
        var halfN = Org.BouncyCastle.Crypto.EC.CustomNamedCurves.GetByName("secp256k1").N.ShiftRight(1);
        for (int i = 0; i < 20; i++)
        {
            var sig = key.Sign(BitConverter.GetBytes(i));
            var seq = (Org.BouncyCastle.Asn1.Asn1Sequence)Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(sig);
            var s = ((Org.BouncyCastle.Asn1.DerInteger)seq[1]).Value;
            Assert.True(s.CompareTo(halfN) <= 0);
        }
    }

    [Fact]
    public void EcdsaSignatureInNonDerFormIsRejectedNotThrown()
    {
        var key = PrivateKey.Generate(KeyType.Ecdsa);
        var sig = key.Sign("m"u8);
        Assert.True(key.PublicKey.Verify("m"u8, sig));
        Assert.False(key.PublicKey.Verify("m"u8, sig.Concat(new byte[] { 0 }).ToArray())); // trailing byte
        Assert.False(key.PublicKey.Verify("m"u8, new byte[64])); // raw r||s as js-libp2p writes
        Assert.False(key.PublicKey.Verify("m"u8, new byte[] { 0x30, 0x80, 0, 0 })); // BER indefinite length
    }

    [Fact]
    public void RsaPublicKeyBelow2048BitsIsRejected()
    {
        var gen = new Org.BouncyCastle.Crypto.Generators.RsaKeyPairGenerator();
        gen.Init(new Org.BouncyCastle.Crypto.Parameters.RsaKeyGenerationParameters(
            Org.BouncyCastle.Math.BigInteger.ValueOf(65537), new Org.BouncyCastle.Security.SecureRandom(), 1024, 50));
        var pub = (Org.BouncyCastle.Crypto.Parameters.RsaKeyParameters)gen.GenerateKeyPair().Public;
        var spki = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pub).GetDerEncoded();
        var ex = Assert.Throws<KeyFormatException>(() => RsaPublicKey.FromPkix(spki));
        Assert.Contains("1024 bits", ex.Message);
    }

    [Fact]
    public void EcdsaPrivateKeyWithMismatchedPublicPointIsRejected()
    {
        var a = (EcdsaPrivateKey)PrivateKey.Generate(KeyType.Ecdsa);
        var b = (EcdsaPrivateKey)PrivateKey.Generate(KeyType.Ecdsa);
        // Same layout for both keys: swap in b's public point (the last 65 bytes).
        var mixed = a.Data.ToArray();
        b.Data[^65..].CopyTo(mixed.AsSpan(mixed.Length - 65));
        Assert.Throws<KeyFormatException>(() => EcdsaPrivateKey.FromSec1(mixed));
    }
}
