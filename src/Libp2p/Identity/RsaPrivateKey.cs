using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace Libp2p.Identity;

/// <summary>
/// An RSA private key. Data is the DER PKCS#1 RSAPrivateKey (two primes); signatures are RSASSA-PKCS1-v1_5 with
/// SHA-256 (BouncyCastle, blinded), so they work where the BCL's RSA does not (browser-wasm, WASI).
/// </summary>
public sealed class RsaPrivateKey : PrivateKey
{
    /// <summary>The modulus size of generated keys, in bits.</summary>
    public const int DefaultBits = 2048;

    private readonly RsaPrivateCrtKeyParameters _parameters;
    private readonly byte[] _pkcs1;
    private readonly RsaPublicKey _publicKey;

    private RsaPrivateKey(RsaPrivateCrtKeyParameters parameters)
    {
        _parameters = parameters;
        _publicKey = new RsaPublicKey(parameters.Modulus, parameters.PublicExponent);
        _pkcs1 = new RsaPrivateKeyStructure(parameters.Modulus, parameters.PublicExponent, parameters.Exponent,
            parameters.P, parameters.Q, parameters.DP, parameters.DQ, parameters.QInv).GetEncoded(Asn1Encodable.Der);
    }

    /// <inheritdoc/>
    public override KeyType Type => KeyType.Rsa;
    /// <inheritdoc/>
    public override PublicKey PublicKey => _publicKey;
    /// <inheritdoc/>
    public override ReadOnlySpan<byte> Data => _pkcs1;

    /// <summary>Generates a key with public exponent 65537 (2048 bits takes about a second).</summary>
    public static RsaPrivateKey Generate(int bits = DefaultBits)
    {
        if (bits < RsaPublicKey.MinBits || bits > RsaPublicKey.MaxBits)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"RSA keys must be {RsaPublicKey.MinBits} to {RsaPublicKey.MaxBits} bits.");
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), new SecureRandom(), bits, 100));
        return new RsaPrivateKey((RsaPrivateCrtKeyParameters)generator.GenerateKeyPair().Private);
    }

    /// <exception cref="KeyFormatException">Not canonical DER PKCS#1, out of size bounds, or inconsistent CRT values.</exception>
    public static RsaPrivateKey FromPkcs1(ReadOnlySpan<byte> der)
    {
        const string what = "RSA private key";
        var seq = Asn1Input.ParseSequence(der, what);
        var k = Asn1Input.Read(() => RsaPrivateKeyStructure.GetInstance(seq), what);
        RsaPublicKey.CheckPublic(k.Modulus, k.PublicExponent, what);
        CheckConsistent(k, what);
        var key = Asn1Input.Read(() => new RsaPrivateKey(new RsaPrivateCrtKeyParameters(k.Modulus, k.PublicExponent,
            k.PrivateExponent, k.Prime1, k.Prime2, k.Exponent1, k.Exponent2, k.Coefficient)), what);
        Asn1Input.RequireCanonical(der, key._pkcs1, what);
        return key;
    }

    /// <inheritdoc/>
    public override byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signer = new RsaDigestSigner(new Sha256Digest());
        signer.Init(true, _parameters);
        signer.BlockUpdate(data);
        return signer.GenerateSignature();
    }

    // A key whose CRT parts disagree would sign garbage (and leak a factor through a faulty signature).
    private static void CheckConsistent(RsaPrivateKeyStructure k, string what)
    {
        var one = BigInteger.One;
        BigInteger p = k.Prime1, q = k.Prime2, d = k.PrivateExponent;
        if (p.CompareTo(one) <= 0 || q.CompareTo(one) <= 0 || d.SignValue <= 0 || !p.Multiply(q).Equals(k.Modulus))
            throw new KeyFormatException($"{what}: modulus is not the product of its primes.");
        BigInteger p1 = p.Subtract(one), q1 = q.Subtract(one);
        if (!k.PublicExponent.Multiply(d).Mod(p1).Equals(one) || !k.PublicExponent.Multiply(d).Mod(q1).Equals(one))
            throw new KeyFormatException($"{what}: private exponent does not match the public exponent.");
        if (!d.Mod(p1).Equals(k.Exponent1) || !d.Mod(q1).Equals(k.Exponent2) || !k.Coefficient.Multiply(q).Mod(p).Equals(one)
            || k.Coefficient.CompareTo(p) >= 0 || k.Coefficient.SignValue <= 0)
            throw new KeyFormatException($"{what}: CRT parameters are inconsistent.");
    }
}
