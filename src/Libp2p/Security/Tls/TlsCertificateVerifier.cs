using Libp2p.Identity;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;

namespace Libp2p.Security.Tls;

/// <summary>
/// Checks a remote's certificate as libp2p/specs tls/tls.md requires and returns the peer it proves: a DER v3
/// certificate, valid now, self-signed with a supported algorithm, carrying exactly one libp2p Public Key Extension
/// whose host key signed the certificate's SubjectPublicKeyInfo, and no critical extension we do not understand.
/// Every failure is a <see cref="TlsCertificateException"/> naming the reason; no parser exception escapes.
/// </summary>
internal static class TlsCertificateVerifier
{
    // Critical extensions we accept without acting on them: they only restrict how the key is used, and the
    // certificate is never used for anything but this handshake (go-libp2p accepts those its x509 parser knows).
    private static readonly DerObjectIdentifier[] s_harmlessCritical =
    [
        X509Extensions.KeyUsage, X509Extensions.BasicConstraints, X509Extensions.ExtendedKeyUsage, X509Extensions.SubjectAlternativeName,
    ];

    /// <summary>Verifies <paramref name="der"/> at time <paramref name="now"/>.</summary>
    /// <exception cref="TlsCertificateException">The certificate is refused; <see cref="TlsCertificateException.Error"/> says why.</exception>
    public static (PeerId Peer, PublicKey HostKey) Verify(ReadOnlySpan<byte> der, DateTimeOffset now)
    {
        var cert = Parse(der);

        if (cert.HasUniqueIds)
            throw new TlsCertificateException(TlsCertificateError.UniqueIdPresent, "it carries the deprecated issuerUniqueID or subjectUniqueID.");

        var utcNow = now.UtcDateTime;
        if (utcNow < cert.NotBefore)
            throw new TlsCertificateException(TlsCertificateError.NotYetValid, $"it is not valid before {cert.NotBefore:u} (now {utcNow:u}).");
        if (utcNow > cert.NotAfter)
            throw new TlsCertificateException(TlsCertificateError.Expired, $"it expired at {cert.NotAfter:u} (now {utcNow:u}).");

        var certKey = CertificateKey(cert.Spki, cert.SpkiDer, cert.SignatureAlgorithm, cert.TbsSignatureAlgorithm);
        if (cert.Signature.PadBits != 0 || !certKey.Verify(cert.TbsDer, cert.Signature.GetOctets()))
            throw new TlsCertificateException(TlsCertificateError.BadSelfSignature, "its self-signature does not verify with its own key.");

        var (hostKeyBytes, signature) = Libp2pExtension(cert.Extensions);
        PublicKey hostKey;
        try { hostKey = PublicKey.FromProtobuf(hostKeyBytes); }
        catch (KeyFormatException e)
        {
            throw new TlsCertificateException(TlsCertificateError.BadExtension, $"the host key in the libp2p extension is invalid or of an unsupported type: {e.Message}", e);
        }
        if (!hostKey.Verify([.. TlsCertificate.SignaturePrefix, .. cert.SpkiDer], signature))
            throw new TlsCertificateException(TlsCertificateError.BadExtensionSignature,
                $"the libp2p extension's signature does not verify: host key {hostKey.Type} (peer {hostKey.ToPeerId()}) did not sign this certificate's key.");
        return (hostKey.ToPeerId(), hostKey);
    }

    /// <summary>The parts of a certificate the checks need.</summary>
    private sealed record ParsedCertificate(
        byte[] TbsDer, AlgorithmIdentifier TbsSignatureAlgorithm, AlgorithmIdentifier SignatureAlgorithm, DerBitString Signature,
        DateTime NotBefore, DateTime NotAfter, SubjectPublicKeyInfo Spki, byte[] SpkiDer, bool HasUniqueIds, X509Extensions? Extensions);

    /// <summary>
    /// Reads the RFC 5280 structure by hand: BouncyCastle's <c>TbsCertificateStructure</c> refuses the empty issuer and
    /// subject that go-libp2p and js-libp2p write (RFC 5280 wants a non-empty issuer; libp2p certificates name nobody).
    /// </summary>
    private static ParsedCertificate Parse(ReadOnlySpan<byte> der)
    {
        if (der.Length > TlsCertificate.MaxLength)
            throw new TlsCertificateException(TlsCertificateError.Malformed, $"it is {der.Length} bytes, more than {TlsCertificate.MaxLength}.");
        try
        {
            if (Asn1Object.FromByteArray(der.ToArray()) is not Asn1Sequence { Count: 3 } certificate)
                throw Malformed("it is not a SEQUENCE of TBSCertificate, signatureAlgorithm and signatureValue.");
            // DER only: the self-signature is checked over the re-encoded TBS, which must be the bytes that were signed.
            if (!der.SequenceEqual(certificate.GetEncoded(Asn1Encodable.Der)))
                throw Malformed("it is not DER-encoded.");
            var tbs = Asn1Sequence.GetInstance(certificate[0]);
            var signatureAlgorithm = AlgorithmIdentifier.GetInstance(certificate[1]);
            var signature = DerBitString.GetInstance(certificate[2]);

            int i = 0;
            if (tbs.Count < 7 || tbs[0] is not Asn1TaggedObject { TagClass: Asn1Tags.ContextSpecific, TagNo: 0 } versionTag
                || DerInteger.GetInstance(versionTag.GetExplicitBaseObject()).IntValueExact != 2)
                throw Malformed("it is not an X.509 v3 certificate (v3 is required for extensions).");
            i++;
            DerInteger.GetInstance(tbs[i++]);                                   // serialNumber
            var tbsSignatureAlgorithm = AlgorithmIdentifier.GetInstance(tbs[i++]);
            Asn1Sequence.GetInstance(tbs[i++]);                                 // issuer (a Name; may be empty)
            var validity = Asn1Sequence.GetInstance(tbs[i++]);
            if (validity.Count != 2) throw Malformed("its validity is not SEQUENCE { notBefore, notAfter }.");
            DateTime notBefore = Time.GetInstance(validity[0]).ToDateTime().ToUniversalTime();
            DateTime notAfter = Time.GetInstance(validity[1]).ToDateTime().ToUniversalTime();
            Asn1Sequence.GetInstance(tbs[i++]);                                 // subject
            var spki = SubjectPublicKeyInfo.GetInstance(tbs[i++]);
            bool uniqueIds = false;
            X509Extensions? extensions = null;
            for (; i < tbs.Count; i++)
            {
                if (tbs[i] is not Asn1TaggedObject { TagClass: Asn1Tags.ContextSpecific } tagged)
                    throw Malformed("it has an unexpected field after subjectPublicKeyInfo.");
                switch (tagged.TagNo)
                {
                    case 1 or 2 when extensions is null: uniqueIds = true; break;
                    case 3 when extensions is null: extensions = X509Extensions.GetInstance(tagged.GetExplicitBaseObject()); break;
                    default: throw Malformed("it has an unexpected field after subjectPublicKeyInfo.");
                }
            }
            return new ParsedCertificate(tbs.GetEncoded(Asn1Encodable.Der), tbsSignatureAlgorithm, signatureAlgorithm, signature,
                notBefore, notAfter, spki, spki.GetEncoded(Asn1Encodable.Der), uniqueIds, extensions);
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            throw new TlsCertificateException(TlsCertificateError.Malformed, $"it is not a valid X.509 certificate: {e.Message}", e);
        }
    }

    private static TlsCertificateException Malformed(string message) => new(TlsCertificateError.Malformed, message);

    /// <summary>The certificate's own key, checked against its signature algorithm (both outer and inner must agree).</summary>
    private static PublicKey CertificateKey(SubjectPublicKeyInfo spki, byte[] spkiDer, AlgorithmIdentifier outer, AlgorithmIdentifier inner)
    {
        if (!outer.Equals(inner))
            throw new TlsCertificateException(TlsCertificateError.Malformed, "its two signature algorithm fields differ.");
        var keyAlgorithm = spki.Algorithm.Algorithm;
        var signatureAlgorithm = outer.Algorithm;
        try
        {
            if (keyAlgorithm.Equals(X9ObjectIdentifiers.IdECPublicKey))
            {
                if (spki.Algorithm.Parameters is not DerObjectIdentifier)
                    throw new TlsCertificateException(TlsCertificateError.UnsupportedKeyType,
                        "its EC key does not name its curve (explicit curve parameters are refused: the spec requires namedCurve).");
                RequireSignature(signatureAlgorithm, X9ObjectIdentifiers.ECDsaWithSha256, outer.Parameters, "an ECDSA key");
                return EcdsaPublicKey.FromSpki(spkiDer);
            }
            if (keyAlgorithm.Equals(PkcsObjectIdentifiers.RsaEncryption))
            {
                RequireSignature(signatureAlgorithm, PkcsObjectIdentifiers.Sha256WithRsaEncryption, outer.Parameters is DerNull ? null : outer.Parameters, "an RSA key");
                return RsaPublicKey.FromPkix(spkiDer);
            }
            if (keyAlgorithm.Equals(EdECObjectIdentifiers.id_Ed25519))
            {
                RequireSignature(signatureAlgorithm, EdECObjectIdentifiers.id_Ed25519, outer.Parameters, "an Ed25519 key");
                if (spki.Algorithm.Parameters is not null || spki.PublicKey.PadBits != 0)
                    throw new TlsCertificateException(TlsCertificateError.UnsupportedKeyType, "its Ed25519 key is malformed.");
                return Ed25519PublicKey.FromBytes(spki.PublicKey.GetOctets());
            }
        }
        catch (KeyFormatException e)
        {
            throw new TlsCertificateException(TlsCertificateError.UnsupportedKeyType, $"its key is invalid or unsupported: {e.Message}", e);
        }
        throw new TlsCertificateException(TlsCertificateError.UnsupportedKeyType,
            $"its key algorithm {keyAlgorithm} is not supported (ECDSA P-256/P-384/P-521, RSA, Ed25519).");
    }

    private static void RequireSignature(DerObjectIdentifier actual, DerObjectIdentifier expected, Asn1Encodable? parameters, string keyKind)
    {
        if (!actual.Equals(expected) || parameters is not null)
            throw new TlsCertificateException(TlsCertificateError.UnsupportedSignatureAlgorithm,
                $"it is signed with {actual}{(parameters is null ? "" : " with parameters")}, which is not supported for {keyKind} (expected {expected}; hashes under 256 bits are never accepted).");
    }

    /// <summary>The libp2p extension's host key protobuf and signature; checks every other extension's criticality.</summary>
    private static (byte[] HostKey, byte[] Signature) Libp2pExtension(X509Extensions? extensions)
    {
        byte[]? value = null;
        if (extensions is not null)
        {
            foreach (var oid in extensions.ExtensionOids)
            {
                var extension = extensions.GetExtension(oid);
                if (oid.Equals(TlsCertificate.ExtensionId))
                {
                    value = extension.Value.GetOctets();
                    continue;
                }
                if (extension.IsCritical && !s_harmlessCritical.Contains(oid))
                    throw new TlsCertificateException(TlsCertificateError.UnsupportedCriticalExtension, $"it has a critical extension {oid} we do not understand.");
            }
        }
        if (value is null)
            throw new TlsCertificateException(TlsCertificateError.MissingExtension, $"it does not carry the libp2p Public Key Extension ({TlsCertificate.ExtensionOid}).");
        try
        {
            if (Asn1Object.FromByteArray(value) is not Asn1Sequence { Count: 2 } signedKey)
                throw new TlsCertificateException(TlsCertificateError.BadExtension, "the libp2p extension is not SignedKey ::= SEQUENCE { publicKey, signature }.");
            return (Bytes(signedKey[0]), Bytes(signedKey[1]));
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            throw new TlsCertificateException(TlsCertificateError.BadExtension, $"the libp2p extension is malformed: {e.Message}", e);
        }
    }

    // The spec says BIT STRING, every implementation writes OCTET STRING: take either (a BIT STRING without padding).
    private static byte[] Bytes(Asn1Encodable field) => field switch
    {
        Asn1OctetString o => o.GetOctets(),
        DerBitString { PadBits: 0 } b => b.GetOctets(),
        _ => throw new TlsCertificateException(TlsCertificateError.BadExtension, "a SignedKey field is neither an OCTET STRING nor a BIT STRING."),
    };

    // What BouncyCastle throws on malformed input (see Identity/Asn1Input); our own exceptions (IOExceptions too) pass through.
    private static bool IsParseFailure(Exception e) =>
        e is not Libp2pException && (e is IOException or ArgumentException or InvalidCastException or InvalidOperationException
            or FormatException or ArithmeticException or IndexOutOfRangeException);
}
