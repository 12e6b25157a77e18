using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Parameters;

namespace Libp2p.Identity;

/// <summary>
/// An ECDSA public key on P-256 (also P-384, P-521). Data is the DER SubjectPublicKeyInfo (id-ecPublicKey, named
/// curve, uncompressed point) — the spec's test vector, go-libp2p and rust-libp2p. Signatures are DER over SHA-256.
/// js-libp2p (@libp2p/crypto 5.1.23) differs: it writes a non-standard SEQUENCE{1,[0]curve,[1]point} public key,
/// cannot parse the spec's vector, signs in raw r||s form and has no peer id for ECDSA keys; we follow the spec.
/// </summary>
public sealed class EcdsaPublicKey : PublicKey
{
    private readonly byte[] _spki;
    internal ECPublicKeyParameters Parameters { get; }

    internal EcdsaPublicKey(ECPublicKeyParameters parameters)
    {
        Parameters = parameters;
        _spki = Encode(parameters);
    }

    /// <inheritdoc/>
    public override KeyType Type => KeyType.Ecdsa;
    /// <inheritdoc/>
    public override ReadOnlySpan<byte> Data => _spki;

    /// <summary>The curve's name: "P-256", "P-384" or "P-521".</summary>
    public string Curve => EcdsaPrivateKey.CurveName((ECNamedDomainParameters)Parameters.Parameters);

    /// <summary>The uncompressed SEC1 point (0x04 || X || Y).</summary>
    public byte[] GetUncompressedPoint() => Parameters.Q.GetEncoded(compressed: false);

    /// <exception cref="KeyFormatException">Not a canonical DER SubjectPublicKeyInfo of a point on a supported curve.</exception>
    public static EcdsaPublicKey FromSpki(ReadOnlySpan<byte> der)
    {
        const string what = "ECDSA public key";
        var seq = Asn1Input.ParseSequence(der, what);
        var (algorithm, curveOid, point) = Asn1Input.Read(() =>
        {
            if (seq.Count != 2) throw new ArgumentException("SubjectPublicKeyInfo must have 2 elements");
            var alg = AlgorithmIdentifier.GetInstance(seq[0]);
            return (alg.Algorithm, DerObjectIdentifier.GetInstance(alg.Parameters), DerBitString.GetInstance(seq[1]).GetOctets());
        }, what);
        if (!algorithm.Equals(EcCurves.EcPublicKeyOid))
            throw new KeyFormatException($"{what} algorithm {algorithm} is not id-ecPublicKey.");
        var curve = EcCurves.ByOid(curveOid) ?? throw new KeyFormatException($"{what} curve {curveOid} is not P-256, P-384 or P-521.");
        if (point.Length == 0 || point[0] != 0x04)
            throw new KeyFormatException($"{what} point must be uncompressed.");
        var q = EcCurves.DecodePoint(curve, point, what);
        var key = new EcdsaPublicKey(new ECPublicKeyParameters(q, curve));
        Asn1Input.RequireCanonical(der, key._spki, what);
        return key;
    }

    /// <inheritdoc/>
    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        EcdsaSignatures.Verify(Parameters, data, signature);

    private static byte[] Encode(ECPublicKeyParameters key)
    {
        var curve = (ECNamedDomainParameters)key.Parameters;
        return new DerSequence(
            new AlgorithmIdentifier(EcCurves.EcPublicKeyOid, curve.Name),
            new DerBitString(key.Q.GetEncoded(compressed: false))).GetEncoded(Asn1Encodable.Der);
    }
}
