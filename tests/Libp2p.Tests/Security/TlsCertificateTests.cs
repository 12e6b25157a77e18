using Libp2p.Identity;
using Libp2p.Security.Tls;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;

namespace Libp2p.Tests.Security;

public class TlsCertificateTests
{
    private static readonly DateTimeOffset Now = TestCertificates.Now;

    private static TlsCertificateException Refused(byte[] der, TlsCertificateError error, DateTimeOffset? at = null)
    {
        var e = Assert.Throws<TlsCertificateException>(() => TlsCertificateVerifier.Verify(der, at ?? Now));
        Assert.Equal(error, e.Error);
        Assert.StartsWith("/tls/1.0.0: certificate refused: ", e.Message);
        return e;
    }

    [Theory]
    [InlineData(KeyType.Ed25519)]
    [InlineData(KeyType.Secp256k1)]
    [InlineData(KeyType.Ecdsa)]
    [InlineData(KeyType.Rsa)]
    public void AGeneratedCertificateProvesItsHostKey(KeyType type)
    {
        var identity = TestCertificates.HostKey(type);
        var (der, _) = TlsCertificate.Generate(identity, Now);
        var (peer, key) = TlsCertificateVerifier.Verify(der, Now);
        Assert.Equal(identity.ToPeerId(), peer);
        Assert.Equal(identity.PublicKey, key);
    }

    [Fact]
    public void AGeneratedCertificateIsWhatGoAndJsWrite()
    {
        var (der, key) = TlsCertificate.Generate(PrivateKey.Generate(), Now);
        var raw = (Asn1Sequence)Asn1Object.FromByteArray(der);
        var tbs = (Asn1Sequence)raw[0];
        Assert.Empty((Asn1Sequence)tbs[3]); // issuer: empty, as go-libp2p and js-libp2p write
        Assert.Empty((Asn1Sequence)tbs[5]); // subject
        var cert = X509CertificateStructure.GetInstance(WithIssuer(raw));
        Assert.Equal(3, cert.Version);
        Assert.Equal(X9ObjectIdentifiers.ECDsaWithSha256, cert.SignatureAlgorithm.Algorithm);
        Assert.Equal(X9ObjectIdentifiers.IdECPublicKey, cert.SubjectPublicKeyInfo.Algorithm.Algorithm);
        Assert.Equal(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1, cert.SubjectPublicKeyInfo.Algorithm.Parameters);
        Assert.Equal(Now - TlsCertificate.ValidBefore, new DateTimeOffset(cert.StartDate.ToDateTime()), TimeSpan.FromSeconds(1));
        Assert.Equal(Now + TlsCertificate.ValidFor, new DateTimeOffset(cert.EndDate.ToDateTime()), TimeSpan.FromSeconds(1));
        // js-libp2p reads only the first extension: ours is first, and critical.
        var first = cert.TbsCertificate.Extensions.ExtensionOids.First();
        Assert.Equal(TlsCertificate.ExtensionOid, first.Id);
        Assert.True(cert.TbsCertificate.Extensions.GetExtension(first).IsCritical);
        Assert.Equal(256, key.Parameters.N.BitLength);
        // A fresh certificate key every time, unrelated to the host key.
        var (other, _) = TlsCertificate.Generate(PrivateKey.Generate(), Now);
        Assert.NotEqual(cert.SubjectPublicKeyInfo, X509CertificateStructure.GetInstance(WithIssuer((Asn1Sequence)Asn1Object.FromByteArray(other))).SubjectPublicKeyInfo);
    }

    // BouncyCastle's certificate class refuses the empty issuer libp2p writes; give it one only to read fields back.
    private static Asn1Sequence WithIssuer(Asn1Sequence cert)
    {
        var tbs = (Asn1Sequence)cert[0];
        var name = new X509Name("CN=x");
        var fields = new Asn1Encodable[tbs.Count];
        for (int i = 0; i < tbs.Count; i++) fields[i] = i is 3 or 5 ? name : tbs[i];
        return new DerSequence(new DerSequence(fields), cert[1], cert[2]);
    }

    [Fact]
    public void AnUnknownNonCriticalExtensionIsIgnoredAndTheSpecsBitStringFormIsAccepted()
    {
        var b = new TestCertificates { ExtraExtension = ("1.2.3.4.5", false) };
        Assert.Equal(b.Identity.ToPeerId(), TlsCertificateVerifier.Verify(b.Build(), Now).Peer);

        var identity = PrivateKey.Generate();
        var certKey = TestCertificates.NewEcKey(TestCertificates.Libp2pEc.P256);
        var spki = SubjectPublicKeyInfoFactoryFor(certKey);
        byte[] signature = identity.Sign([.. "libp2p-tls-handshake:"u8, .. spki.GetEncoded(Asn1Encodable.Der)]);
        var bitStrings = new DerSequence(new DerBitString(identity.PublicKey.ToProtobuf()), new DerBitString(signature)).GetEncoded(Asn1Encodable.Der);
        var der = new TestCertificates { Identity = identity, CertKey = certKey, ExtensionValue = bitStrings }.Build();
        Assert.Equal(identity.ToPeerId(), TlsCertificateVerifier.Verify(der, Now).Peer);
    }

    private static SubjectPublicKeyInfo SubjectPublicKeyInfoFactoryFor(Org.BouncyCastle.Crypto.Parameters.ECPrivateKeyParameters key)
        => Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(TestCertificates.Libp2pEc.PublicOf(key));

    [Fact]
    public void ABadSelfSignatureIsRefused()
    {
        var der = new TestCertificates().Build();
        der[^5] ^= 0x01; // inside the signature value
        Refused(der, TlsCertificateError.BadSelfSignature);

        // Signed by another key than the one it carries.
        var forged = new TestCertificates { Spki = SubjectPublicKeyInfoFactoryFor(TestCertificates.NewEcKey(TestCertificates.Libp2pEc.P256)) };
        var e = Refused(forged.Build(), TlsCertificateError.BadSelfSignature);
        Assert.Contains("self-signature", e.Message);
    }

    [Fact]
    public void AnExtensionSignatureOverAnotherKeyIsRefused()
    {
        var otherSpki = SubjectPublicKeyInfoFactoryFor(TestCertificates.NewEcKey(TestCertificates.Libp2pEc.P256)).GetEncoded(Asn1Encodable.Der);
        var e = Refused(new TestCertificates { SignedSpki = otherSpki }.Build(), TlsCertificateError.BadExtensionSignature);
        Assert.Contains("did not sign this certificate's key", e.Message);
    }

    [Fact]
    public void AHostKeyThatDidNotSignIsRefused()
    {
        // The extension claims host key B with A's signature: an attempt to pass as B.
        var a = PrivateKey.Generate();
        var b = PrivateKey.Generate();
        var certKey = TestCertificates.NewEcKey(TestCertificates.Libp2pEc.P256);
        byte[] aSigned = TlsCertificate.SignedKey(a, SubjectPublicKeyInfoFactoryFor(certKey).GetEncoded(Asn1Encodable.Der));
        var parts = (Asn1Sequence)Asn1Object.FromByteArray(aSigned);
        var claimB = new DerSequence(new DerOctetString(b.PublicKey.ToProtobuf()), parts[1]).GetEncoded(Asn1Encodable.Der);
        var e = Refused(new TestCertificates { CertKey = certKey, ExtensionValue = claimB }.Build(), TlsCertificateError.BadExtensionSignature);
        Assert.Contains(b.ToPeerId().ToString(), e.Message);
    }

    [Fact]
    public void AnUnknownHostKeyTypeIsRefused()
    {
        // PublicKey { Type = 7, Data = 32 bytes }: no such libp2p key type.
        byte[] unknownKey = [0x08, 0x07, 0x12, 0x20, .. new byte[32]];
        var value = new DerSequence(new DerOctetString(unknownKey), new DerOctetString(new byte[64])).GetEncoded(Asn1Encodable.Der);
        var e = Refused(new TestCertificates { ExtensionValue = value }.Build(), TlsCertificateError.BadExtension);
        Assert.Contains("unsupported type", e.Message);
    }

    [Fact]
    public void ACertificateKeyOnAnUnsupportedCurveIsRefused()
    {
        var k1 = TestCertificates.NewEcKey(TestCertificates.Libp2pEc.Secp256k1);
        var e = Refused(new TestCertificates { CertKey = k1 }.Build(), TlsCertificateError.UnsupportedKeyType);
        Assert.Contains("not P-256", e.Message);
    }

    [Fact]
    public void ExplicitCurveParametersAreRefused()
    {
        var certKey = TestCertificates.NewEcKey(TestCertificates.Libp2pEc.P256);
        var q = TestCertificates.Libp2pEc.PublicOf(certKey).Q;
        var explicitParams = new X962Parameters(CustomNamedCurves.GetByName("secp256r1"));
        var spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey, explicitParams), q.GetEncoded(false));
        var e = Refused(new TestCertificates { CertKey = certKey, Spki = spki }.Build(), TlsCertificateError.UnsupportedKeyType);
        Assert.Contains("namedCurve", e.Message);
    }

    [Fact]
    public void AWeakOrUnknownSignatureAlgorithmIsRefused()
    {
        var sha1 = new TestCertificates { SignatureAlgorithm = X9ObjectIdentifiers.ECDsaWithSha1 }.Build();
        Refused(sha1, TlsCertificateError.UnsupportedSignatureAlgorithm);
        var rsaAlgorithmOnEcKey = new TestCertificates { SignatureAlgorithm = Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers.Sha256WithRsaEncryption }.Build();
        Refused(rsaAlgorithmOnEcKey, TlsCertificateError.UnsupportedSignatureAlgorithm);
    }

    [Fact]
    public void ACertificateOutsideItsValidityIsRefused()
    {
        var expired = new TestCertificates { NotBefore = Now.AddDays(-10), NotAfter = Now.AddDays(-1) }.Build();
        Assert.Contains("expired", Refused(expired, TlsCertificateError.Expired).Message);

        var future = new TestCertificates { NotBefore = Now.AddDays(1), NotAfter = Now.AddDays(10) }.Build();
        Assert.Contains("not valid before", Refused(future, TlsCertificateError.NotYetValid).Message);

        // The same certificate is fine at a time inside its validity: the check uses the time it is given.
        Assert.NotNull(TlsCertificateVerifier.Verify(future, Now.AddDays(2)).Peer);
    }

    [Fact]
    public void AMissingOrRepeatedExtensionIsRefused()
    {
        var e = Refused(new TestCertificates { IncludeExtension = false }.Build(), TlsCertificateError.MissingExtension);
        Assert.Contains(TlsCertificate.ExtensionOid, e.Message);
        Refused(new TestCertificates { DuplicateExtension = true }.Build(), TlsCertificateError.Malformed);
        Refused(new TestCertificates { ExtensionValue = [0x30, 0x03, 0x04, 0x01, 0x00] }.Build(), TlsCertificateError.BadExtension);
    }

    [Fact]
    public void AnUnknownCriticalExtensionIsRefused()
    {
        var e = Refused(new TestCertificates { ExtraExtension = ("1.2.3.4.5", true) }.Build(), TlsCertificateError.UnsupportedCriticalExtension);
        Assert.Contains("1.2.3.4.5", e.Message);
    }

    [Fact]
    public void GarbageTruncatedPaddedOrOversizedInputIsMalformed()
    {
        var der = new TestCertificates().Build();
        Refused([], TlsCertificateError.Malformed);
        Refused([0x30, 0x82, 0xff], TlsCertificateError.Malformed);
        Refused(der[..^10], TlsCertificateError.Malformed);
        Refused([.. der, 0x00], TlsCertificateError.Malformed);
        Refused(new byte[TlsCertificate.MaxLength + 1], TlsCertificateError.Malformed);
        var random = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var mutated = (byte[])der.Clone();
            mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            try { TlsCertificateVerifier.Verify(mutated, Now); }
            catch (TlsCertificateException) { } // only our own exception may escape
        }
    }
}
