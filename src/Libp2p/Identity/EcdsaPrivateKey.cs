using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Libp2p.Identity;

/// <summary>
/// An ECDSA private key (P-256 generated; P-384 and P-521 read). Data is the DER SEC1 ECPrivateKey
/// <c>SEQUENCE { 1, OCTET STRING d, [0] namedCurve, [1] BIT STRING point }</c>, byte for byte what js-libp2p and
/// go-libp2p write (and the spec's test vector). Signatures: DER (r, s) over SHA-256, deterministic nonces.
/// </summary>
public sealed class EcdsaPrivateKey : PrivateKey
{
    private readonly ECPrivateKeyParameters _parameters;
    private readonly byte[] _sec1;
    private readonly EcdsaPublicKey _publicKey;

    private EcdsaPrivateKey(ECPrivateKeyParameters parameters)
    {
        _parameters = parameters;
        _publicKey = new EcdsaPublicKey(EcCurves.PublicFromPrivate(parameters));
        _sec1 = Encode(parameters, _publicKey.Parameters);
    }

    /// <inheritdoc/>
    public override KeyType Type => KeyType.Ecdsa;
    /// <inheritdoc/>
    public override PublicKey PublicKey => _publicKey;
    /// <inheritdoc/>
    public override ReadOnlySpan<byte> Data => _sec1;

    /// <summary>Generates a P-256 key (the curve libp2p implementations use by default).</summary>
    public static EcdsaPrivateKey Generate()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(EcCurves.P256, new SecureRandom()));
        return new EcdsaPrivateKey((ECPrivateKeyParameters)generator.GenerateKeyPair().Private);
    }

    /// <exception cref="KeyFormatException">Not canonical SEC1 DER with a named supported curve, or d and the point disagree.</exception>
    public static EcdsaPrivateKey FromSec1(ReadOnlySpan<byte> der)
    {
        const string what = "ECDSA private key";
        var seq = Asn1Input.ParseSequence(der, what);
        var (version, d, curveOid) = Asn1Input.Read(() =>
        {
            if (seq.Count != 4) throw new ArgumentException("ECPrivateKey must have version, key, [0] curve and [1] public key");
            var v = DerInteger.GetInstance(seq[0]).Value;
            var key = Asn1OctetString.GetInstance(seq[1]).GetOctets();
            var oid = DerObjectIdentifier.GetInstance(Asn1TaggedObject.GetInstance(seq[2], Asn1Tags.ContextSpecific, 0).GetExplicitBaseObject());
            return (v, key, oid);
        }, what);
        if (version.IntValueExact != 1)
            throw new KeyFormatException($"{what} version must be 1.");
        var curve = EcCurves.ByOid(curveOid) ?? throw new KeyFormatException($"{what} curve {curveOid} is not P-256, P-384 or P-521.");
        var key = new EcdsaPrivateKey(new ECPrivateKeyParameters(EcCurves.Scalar(curve, d, what), curve));
        // The re-encoding carries the public point derived from d, so this also rejects a mismatched stored point.
        Asn1Input.RequireCanonical(der, key._sec1, what);
        return key;
    }

    /// <inheritdoc/>
    public override byte[] Sign(ReadOnlySpan<byte> data) => EcdsaSignatures.Sign(_parameters, data, lowS: false);

    internal static string CurveName(ECNamedDomainParameters curve) =>
        curve == EcCurves.P256 || curve.Name.Equals(EcCurves.P256.Name) ? "P-256"
        : curve.Name.Equals(EcCurves.P384.Name) ? "P-384" : "P-521";

    private static byte[] Encode(ECPrivateKeyParameters key, ECPublicKeyParameters publicKey)
    {
        var curve = (ECNamedDomainParameters)key.Parameters;
        return new DerSequence(
            DerInteger.One,
            new DerOctetString(EcCurves.ScalarBytes(curve, key.D)),
            new DerTaggedObject(true, 0, curve.Name),
            new DerTaggedObject(true, 1, new DerBitString(publicKey.Q.GetEncoded(compressed: false)))).GetEncoded(Asn1Encodable.Der);
    }
}
