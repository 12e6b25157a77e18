using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;

namespace Libp2p.Identity;

/// <summary>
/// ECDSA over SHA-256 with DER-encoded (r, s) signatures, shared by secp256k1 and ECDSA keys. Nonces are
/// deterministic (RFC 6979), so signing needs no randomness source.
/// </summary>
internal static class EcdsaSignatures
{
    // SEQUENCE { INTEGER r, INTEGER s } for P-521 is < 140 bytes; anything longer is not a signature.
    private const int MaxSignatureLength = 160;

    // lowS: normalise s to the lower half of the order (BIP 62), as Bitcoin / secp256k1 signers do;
    // js-libp2p's secp256k1 verifier (noble) rejects high-s signatures.
    public static byte[] Sign(ECPrivateKeyParameters key, ReadOnlySpan<byte> data, bool lowS)
    {
        var digest = SHA256.HashData(data);
        var signer = new ECDsaSigner(new HMacDsaKCalculator(new Sha256Digest()));
        signer.Init(true, key);
        var rs = signer.GenerateSignature(digest);
        BigInteger r = rs[0], s = rs[1];
        var n = key.Parameters.N;
        if (lowS && s.CompareTo(n.ShiftRight(1)) > 0) s = n.Subtract(s);
        return new DerSequence(new DerInteger(r), new DerInteger(s)).GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>Verifies a strictly DER-encoded signature (any other encoding is false, never an exception).</summary>
    public static bool Verify(ECPublicKeyParameters key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length is 0 or > MaxSignatureLength) return false;
        BigInteger r, s;
        try
        {
            if (Asn1Object.FromByteArray(signature.ToArray()) is not Asn1Sequence { Count: 2 } seq) return false;
            if (seq[0] is not DerInteger ri || seq[1] is not DerInteger si) return false;
            r = ri.Value;
            s = si.Value;
            var canonical = new DerSequence(new DerInteger(r), new DerInteger(s)).GetEncoded(Asn1Encodable.Der);
            if (!signature.SequenceEqual(canonical)) return false;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or InvalidOperationException)
        {
            return false;
        }
        var n = key.Parameters.N;
        if (r.SignValue <= 0 || s.SignValue <= 0 || r.CompareTo(n) >= 0 || s.CompareTo(n) >= 0) return false;
        var verifier = new ECDsaSigner();
        verifier.Init(false, key);
        return verifier.VerifySignature(SHA256.HashData(data), r, s);
    }
}
