using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Utilities;

namespace Libp2p.Identity;

/// <summary>The elliptic curves libp2p keys use, with BouncyCastle's optimised implementations.</summary>
internal static class EcCurves
{
    public static readonly ECNamedDomainParameters Secp256k1 = Named(SecObjectIdentifiers.SecP256k1);
    public static readonly ECNamedDomainParameters P256 = Named(SecObjectIdentifiers.SecP256r1);
    public static readonly ECNamedDomainParameters P384 = Named(SecObjectIdentifiers.SecP384r1);
    public static readonly ECNamedDomainParameters P521 = Named(SecObjectIdentifiers.SecP521r1);

    /// <summary>id-ecPublicKey, the SubjectPublicKeyInfo algorithm of EC keys.</summary>
    public static DerObjectIdentifier EcPublicKeyOid => X9ObjectIdentifiers.IdECPublicKey;

    public static ECNamedDomainParameters? ByOid(DerObjectIdentifier oid) =>
        oid.Equals(P256.Name) ? P256 : oid.Equals(P384.Name) ? P384 : oid.Equals(P521.Name) ? P521 : null;

    /// <summary>Byte length of a scalar / coordinate on this curve.</summary>
    public static int FieldBytes(ECDomainParameters curve) => (curve.Curve.FieldSize + 7) / 8;

    /// <summary>Decodes a SEC1 point (compressed 02/03 or uncompressed 04 only), checking it lies on the curve.</summary>
    public static ECPoint DecodePoint(ECDomainParameters curve, ReadOnlySpan<byte> encoded, string what)
    {
        int n = FieldBytes(curve);
        bool shapeOk = encoded.Length == 1 + n ? encoded[0] is 0x02 or 0x03
                     : encoded.Length == 1 + 2 * n && encoded[0] == 0x04;
        if (!shapeOk)
            throw new KeyFormatException($"{what} must be a {1 + n}-byte compressed or {1 + 2 * n}-byte uncompressed point.");
        try
        {
            var point = curve.Curve.DecodePoint(encoded.ToArray());
            if (point.IsInfinity || !point.IsValid())
                throw new KeyFormatException($"{what} is not a valid curve point.");
            return point.Normalize();
        }
        catch (ArgumentException e)
        {
            throw new KeyFormatException($"{what} is not a valid curve point.", e);
        }
    }

    /// <summary>A private scalar from big-endian bytes, required to be in [1, n-1].</summary>
    public static BigInteger Scalar(ECDomainParameters curve, ReadOnlySpan<byte> bytes, string what)
    {
        var d = new BigInteger(1, bytes.ToArray());
        if (d.SignValue <= 0 || d.CompareTo(curve.N) >= 0)
            throw new KeyFormatException($"{what} is out of range for the curve.");
        return d;
    }

    /// <summary>Big-endian, left-padded to the curve's scalar size.</summary>
    public static byte[] ScalarBytes(ECDomainParameters curve, BigInteger d) =>
        BigIntegers.AsUnsignedByteArray((curve.N.BitLength + 7) / 8, d);

    public static ECPublicKeyParameters PublicFromPrivate(ECPrivateKeyParameters key) =>
        new(key.Parameters.G.Multiply(key.D).Normalize(), key.Parameters);

    private static ECNamedDomainParameters Named(DerObjectIdentifier oid) => new(oid, CustomNamedCurves.GetByOid(oid));
}
