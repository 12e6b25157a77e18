using Libp2p.Identity;
using Libp2p.Security.Tls;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Libp2p.Tests.Security;

/// <summary>Builds libp2p TLS certificates with one thing wrong at a time.</summary>
internal sealed class TestCertificates
{
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>Host keys of every type; RSA is the spec's 4096-bit vector (generating one takes seconds).</summary>
    public static PrivateKey HostKey(KeyType type) => type == KeyType.Rsa ? s_rsa.Value : PrivateKey.Generate(type);

    private static readonly Lazy<PrivateKey> s_rsa = new(
        () => PrivateKey.FromProtobuf(Convert.FromHexString(global::Libp2p.Tests.Identity.SpecTestVectors.RsaPrivate)));

    public PrivateKey Identity { get; init; } = PrivateKey.Generate();
    public ECPrivateKeyParameters CertKey { get; init; } = NewEcKey(Libp2pEc.P256);
    public DateTimeOffset NotBefore { get; init; } = Now - TimeSpan.FromHours(1);
    public DateTimeOffset NotAfter { get; init; } = Now + TimeSpan.FromDays(365);
    /// <summary>The SPKI the extension signs; the certificate's own by default.</summary>
    public byte[]? SignedSpki { get; init; }
    /// <summary>Replaces the extension value.</summary>
    public byte[]? ExtensionValue { get; init; }
    public bool IncludeExtension { get; init; } = true;
    public bool DuplicateExtension { get; init; }
    public (string Oid, bool Critical)? ExtraExtension { get; init; }
    public DerObjectIdentifier SignatureAlgorithm { get; init; } = X9ObjectIdentifiers.ECDsaWithSha256;
    public SubjectPublicKeyInfo? Spki { get; init; }

    public byte[] Build()
    {
        var spki = Spki ?? SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(Libp2pEc.PublicOf(CertKey));
        byte[] spkiDer = spki.GetEncoded(Asn1Encodable.Der);
        byte[] value = ExtensionValue ?? TlsCertificate.SignedKey(Identity, SignedSpki ?? spkiDer);
        var extensions = new List<TlsCertificate.CertificateExtension>();
        if (IncludeExtension) extensions.Add(new(TlsCertificate.ExtensionId, true, value));
        if (DuplicateExtension) extensions.Add(new(TlsCertificate.ExtensionId, true, value));
        if (ExtraExtension is { } extra) extensions.Add(new(new DerObjectIdentifier(extra.Oid), extra.Critical, [0x05, 0x00]));
        return TlsCertificate.Build(spki, NotBefore, NotAfter, extensions, tbs => Libp2pEc.Sign(CertKey, tbs), SignatureAlgorithm);
    }

    public static ECPrivateKeyParameters NewEcKey(ECDomainParameters curve)
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(curve, new SecureRandom()));
        return (ECPrivateKeyParameters)generator.GenerateKeyPair().Private;
    }

    /// <summary>The curves and the signer the product uses (internal to Libp2p, visible to the tests).</summary>
    public static class Libp2pEc
    {
        public static ECNamedDomainParameters P256 => EcCurves.P256;
        public static ECNamedDomainParameters Secp256k1 => EcCurves.Secp256k1;
        public static ECPublicKeyParameters PublicOf(ECPrivateKeyParameters key) => EcCurves.PublicFromPrivate(key);
        public static byte[] Sign(ECPrivateKeyParameters key, byte[] data) => EcdsaSignatures.Sign(key, data, lowS: false);
    }
}
