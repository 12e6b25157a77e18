using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Utilities;

namespace Libp2p.Identity;

/// <summary>
/// An RSA public key. Data is the DER PKIX SubjectPublicKeyInfo (rsaEncryption, NULL parameters); signatures are
/// RSASSA-PKCS1-v1_5 with SHA-256. Sizes are bounded like go-libp2p: 2048 to 8192-bit moduli.
/// Verification is done here (RFC 8017 8.2.2: s^e mod n compared with the full expected encoding) rather than
/// through BouncyCastle's RsaKeyParameters, whose constructor runs a primality test on the modulus: ~80 ms for a
/// 2048-bit and ~800 ms for a 4096-bit key natively, a denial-of-service lever for any peer that sends a key.
/// </summary>
public sealed class RsaPublicKey : PublicKey
{
    /// <summary>The smallest RSA modulus accepted, in bits.</summary>
    public const int MinBits = 2048;
    /// <summary>The largest RSA modulus accepted, in bits.</summary>
    public const int MaxBits = 8192;

    private readonly byte[] _spki;
    private readonly BigInteger _modulus;
    private readonly BigInteger _exponent;

    internal RsaPublicKey(BigInteger modulus, BigInteger exponent)
    {
        _modulus = modulus;
        _exponent = exponent;
        _spki = new SubjectPublicKeyInfo(
            new AlgorithmIdentifier(PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance),
            new RsaPublicKeyStructure(modulus, exponent)).GetEncoded(Asn1Encodable.Der);
    }

    /// <inheritdoc/>
    public override KeyType Type => KeyType.Rsa;
    /// <inheritdoc/>
    public override ReadOnlySpan<byte> Data => _spki;

    /// <summary>Modulus size in bits.</summary>
    public int Bits => _modulus.BitLength;

    /// <exception cref="KeyFormatException">Not canonical DER PKIX RSA, or the modulus/exponent is out of bounds.</exception>
    public static RsaPublicKey FromPkix(ReadOnlySpan<byte> der)
    {
        const string what = "RSA public key";
        var seq = Asn1Input.ParseSequence(der, what);
        var (algorithm, n, e) = Asn1Input.Read(() =>
        {
            var spki = SubjectPublicKeyInfo.GetInstance(seq);
            var rsa = RsaPublicKeyStructure.GetInstance(spki.ParsePublicKey());
            return (spki.Algorithm.Algorithm, rsa.Modulus, rsa.PublicExponent);
        }, what);
        if (!algorithm.Equals(PkcsObjectIdentifiers.RsaEncryption))
            throw new KeyFormatException($"{what} algorithm {algorithm} is not rsaEncryption.");
        CheckPublic(n, e, what);
        var key = new RsaPublicKey(n, e);
        Asn1Input.RequireCanonical(der, key._spki, what);
        return key;
    }

    /// <inheritdoc/>
    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        int k = (Bits + 7) / 8;
        if (signature.Length != k) return false; // a PKCS#1 v1.5 signature is exactly the modulus length
        var s = new BigInteger(1, signature.ToArray());
        if (s.CompareTo(_modulus) >= 0) return false;
        var em = BigIntegers.AsUnsignedByteArray(k, s.ModPow(_exponent, _modulus));
        return CryptographicOperations.FixedTimeEquals(em, ExpectedEncoding(data, k));
    }

    /// <summary>EMSA-PKCS1-v1_5 (RFC 8017 9.2): 0x00 0x01 FF..FF 0x00 DigestInfo(SHA-256, H(data)).</summary>
    internal static byte[] ExpectedEncoding(ReadOnlySpan<byte> data, int k)
    {
        var digestInfo = new DigestInfo(new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256, DerNull.Instance),
            SHA256.HashData(data)).GetEncoded(Asn1Encodable.Der);
        var em = new byte[k];
        em[1] = 0x01;
        em.AsSpan(2, k - 3 - digestInfo.Length).Fill(0xff);
        digestInfo.CopyTo(em, k - digestInfo.Length);
        return em;
    }

    /// <summary>Bounds from go-libp2p (2048..8192 bits); the exponent as go's crypto/rsa accepts it (odd, 3..2^31-1).</summary>
    internal static void CheckPublic(BigInteger n, BigInteger e, string what)
    {
        if (n.SignValue <= 0 || !n.TestBit(0))
            throw new KeyFormatException($"{what} modulus must be positive and odd.");
        if (n.BitLength < MinBits || n.BitLength > MaxBits)
            throw new KeyFormatException($"{what} is {n.BitLength} bits; libp2p accepts {MinBits} to {MaxBits}.");
        if (e.SignValue <= 0 || !e.TestBit(0) || e.BitLength > 31 || e.IntValue < 3)
            throw new KeyFormatException($"{what} public exponent must be odd and between 3 and 2^31-1.");
    }
}
