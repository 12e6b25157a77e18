using Libp2p.Identity;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Libp2p.Security.Tls;

/// <summary>
/// The self-signed certificate of libp2p TLS (libp2p/specs tls/tls.md): a fresh ECDSA P-256 key signs the
/// certificate, and the libp2p Public Key Extension (OID 1.3.6.1.4.1.53594.1.1) carries the host key and its signature
/// over <c>"libp2p-tls-handshake:" || SubjectPublicKeyInfo</c>, which binds the certificate key to the peer id.
/// Built and checked with BouncyCastle's ASN.1 so the same code runs natively and inside Wasm.
/// </summary>
internal static class TlsCertificate
{
    /// <summary>The libp2p Public Key Extension's OID, allocated by IANA to the libp2p project.</summary>
    public const string ExtensionOid = "1.3.6.1.4.1.53594.1.1";

    /// <summary>What a certificate is valid from, before it was made: clocks of peers disagree (go-libp2p and js use 1 h).</summary>
    public static readonly TimeSpan ValidBefore = TimeSpan.FromHours(1);

    /// <summary>How long a certificate stays valid (go-libp2p and js use ~100 years: it is bound to the key, not to a name).</summary>
    public static readonly TimeSpan ValidFor = TimeSpan.FromDays(100 * 365);

    /// <summary>A certificate is at most this large; ours is ~400 bytes, one with an 8192-bit RSA host key ~2 KiB.</summary>
    public const int MaxLength = 16 * 1024;

    internal static readonly DerObjectIdentifier ExtensionId = new(ExtensionOid);
    internal static ReadOnlySpan<byte> SignaturePrefix => "libp2p-tls-handshake:"u8;


    /// <summary>
    /// A new certificate for <paramref name="identity"/>: a fresh P-256 key (returned, to sign the TLS handshake),
    /// valid from <see cref="ValidBefore"/> before <paramref name="now"/> for <see cref="ValidFor"/>.
    /// </summary>
    public static (byte[] Der, ECPrivateKeyParameters Key) Generate(PrivateKey identity, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(EcCurves.P256, new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var key = (ECPrivateKeyParameters)pair.Private;
        var spki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public);
        var extension = SignedKey(identity, spki.GetEncoded(Asn1Encodable.Der));
        byte[] der = Build(spki, now - ValidBefore, now + ValidFor, [new CertificateExtension(ExtensionId, true, extension)],
            tbs => EcdsaSignatures.Sign(key, tbs, lowS: false), X9ObjectIdentifiers.ECDsaWithSha256);
        return (der, key);
    }

    /// <summary>The libp2p extension's value: <c>SignedKey ::= SEQUENCE { publicKey, signature }</c>.</summary>
    /// <remarks>
    /// The spec writes both fields as BIT STRING; go-libp2p, rust-libp2p and js-libp2p all write OCTET STRING, so we
    /// write OCTET STRING too (and accept either when reading).
    /// </remarks>
    internal static byte[] SignedKey(PrivateKey identity, ReadOnlySpan<byte> spkiDer)
    {
        byte[] signature = identity.Sign([.. SignaturePrefix, .. spkiDer]);
        return new DerSequence(new DerOctetString(identity.PublicKey.ToProtobuf()), new DerOctetString(signature)).GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>One extension to put in a certificate (tests build odd ones).</summary>
    internal readonly record struct CertificateExtension(DerObjectIdentifier Oid, bool Critical, byte[] Value);

    /// <summary>
    /// A v3 certificate with an empty issuer and subject (as go-libp2p and js-libp2p write), a random positive
    /// 63-bit serial, and the given extensions in that order (js-libp2p reads only the first extension as the libp2p
    /// one, so ours comes first).
    /// </summary>
    internal static byte[] Build(SubjectPublicKeyInfo spki, DateTimeOffset notBefore, DateTimeOffset notAfter,
        IReadOnlyList<CertificateExtension> extensions, Func<byte[], byte[]> sign, DerObjectIdentifier signatureAlgorithm)
    {
        var algorithm = new AlgorithmIdentifier(signatureAlgorithm);
        var serial = new BigInteger(1, RandomSerial());
        var emptyName = new X509Name(new List<DerObjectIdentifier>(), new List<string>());
        var extensionsSeq = new DerSequence(extensions.Select(e => (Asn1Encodable)(e.Critical
            ? new DerSequence(e.Oid, DerBoolean.True, new DerOctetString(e.Value))
            : new DerSequence(e.Oid, new DerOctetString(e.Value)))).ToArray());
        var tbs = new DerSequence(
            new DerTaggedObject(true, 0, DerInteger.ValueOf(2)),
            new DerInteger(serial),
            algorithm,
            emptyName,
            new DerSequence(new Time(notBefore.UtcDateTime), new Time(notAfter.UtcDateTime)),
            emptyName,
            spki,
            new DerTaggedObject(true, 3, extensionsSeq));
        byte[] tbsDer = tbs.GetEncoded(Asn1Encodable.Der);
        return new DerSequence(tbs, algorithm, new DerBitString(sign(tbsDer))).GetEncoded(Asn1Encodable.Der);
    }

    private static byte[] RandomSerial()
    {
        var bytes = new byte[8];
        RandomNumberGenerator.Fill(bytes);
        bytes[0] &= 0x7f;
        bytes[0] |= 0x01; // never zero, never negative, always 8 bytes
        return bytes;
    }
}
