using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Libp2p.Identity;

namespace Libp2p.Tests.Identity;

/// <summary>
/// Arbitrary bytes into the key decoders: the result is a key whose encoding decodes to an equal key, or a
/// KeyFormatException — never any other exception. Inputs are biased towards well-formed envelopes of every type
/// (valid header, random or mutated data) so the per-type parsers are reached, not just the envelope check.
/// </summary>
public class KeyDecodingProperties
{
    private static readonly byte[][] Seeds =
    [
        Convert.FromHexString(SpecTestVectors.Ed25519Private), Convert.FromHexString(SpecTestVectors.Ed25519Public),
        Convert.FromHexString(SpecTestVectors.Secp256k1Private), Convert.FromHexString(SpecTestVectors.Secp256k1Public),
        Convert.FromHexString(SpecTestVectors.EcdsaPrivate), Convert.FromHexString(SpecTestVectors.EcdsaPublic),
        Convert.FromHexString(SpecTestVectors.RsaPublic),
    ];

    public static Arbitrary<byte[]> Inputs()
    {
        var raw = ArbMap.Default.GeneratorFor<byte[]>();
        var envelope =
            from type in Gen.Choose(0, 3)
            from data in raw
            select new byte[] { 0x08, (byte)type, 0x12, (byte)Math.Min(data.Length, 127) }.Concat(data.Take(127)).ToArray();
        var mutated =
            from seed in Gen.Elements(Seeds)
            from flips in Gen.ListOf(Gen.Choose(0, int.MaxValue))
            from cut in Gen.Choose(0, 8)
            select Mutate(seed, flips.ToArray(), cut);
        return Gen.OneOf(raw, envelope, mutated).ToArbitrary();
    }

    private static byte[] Mutate(byte[] seed, int[] flips, int cut)
    {
        var b = (byte[])seed.Clone();
        foreach (var f in flips.Take(4)) b[f % b.Length] ^= (byte)(1 << (f / b.Length % 8));
        // Without a cut (most cases) the envelope stays valid and the per-type parser sees the mutated data;
        // a cut of 1..4 bytes exercises truncation.
        return cut == 0 || cut > 4 ? b : b[..^cut];
    }

    [Property(MaxTest = 3000, Arbitrary = [typeof(KeyDecodingProperties)])]
    public void PublicKeyDecodingRoundtripsOrThrowsKeyFormatException(byte[] input)
    {
        PublicKey key;
        try { key = PublicKey.FromProtobuf(input); }
        catch (KeyFormatException) { return; }
        var again = PublicKey.FromProtobuf(key.ToProtobuf());
        Assert.Equal(key, again);
        Assert.Equal(key.ToPeerId(), again.ToPeerId());
    }

    [Property(MaxTest = 3000, Arbitrary = [typeof(KeyDecodingProperties)])]
    public void PrivateKeyDecodingRoundtripsOrThrowsKeyFormatException(byte[] input)
    {
        PrivateKey key;
        try { key = PrivateKey.FromProtobuf(input); }
        catch (KeyFormatException) { return; }
        var again = PrivateKey.FromProtobuf(key.ToProtobuf());
        Assert.Equal(key.ToProtobuf(), again.ToProtobuf());
        Assert.Equal(key.PublicKey, again.PublicKey);
    }

    private static readonly byte[] RsaPrivate = Convert.FromHexString(SpecTestVectors.RsaPrivate);

    /// <summary>Bit flips anywhere in the RSA vector (at least one): the PKCS#1 parser and the CRT consistency checks
    /// reject them with KeyFormatException. Kept separate: a valid 4096-bit private key costs ~0.5 s to load.</summary>
    [Property(MaxTest = 200)]
    public void MutatedRsaPrivateKeyIsKeyFormatException(NonEmptyArray<int> flips)
    {
        var b = (byte[])RsaPrivate.Clone();
        foreach (var f in flips.Get.Take(3)) b[(f & int.MaxValue) % b.Length] ^= (byte)(1 << ((f & int.MaxValue) / b.Length % 8));
        if (b.AsSpan().SequenceEqual(RsaPrivate)) return; // flips cancelled out
        Assert.Throws<KeyFormatException>(() => PrivateKey.FromProtobuf(b));
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(KeyDecodingProperties)])]
    public void VerifyOnArbitrarySignatureIsFalseNeverAnException(byte[] signature)
    {
        foreach (var hex in new[] { SpecTestVectors.Ed25519Public, SpecTestVectors.Secp256k1Public, SpecTestVectors.EcdsaPublic, SpecTestVectors.RsaPublic })
            Assert.False(PublicKey.FromProtobuf(Convert.FromHexString(hex)).Verify("m"u8, signature));
    }
}
