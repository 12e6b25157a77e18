using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Libp2p.Security.Tls.Managed;

/// <summary>
/// A certificate as BouncyCastle's TLS sees it: the DER bytes, and the key they carry for the handshake signature.
/// Built on <see cref="BcTlsRawKeyCertificate"/> (which signs and verifies with a SubjectPublicKeyInfo) rather than
/// BouncyCastle's X.509 certificate class, whose parser refuses the empty issuer and subject every libp2p certificate
/// has (RFC 5280 wants a name; libp2p certificates name nobody). Everything else about the certificate is checked
/// by <see cref="TlsCertificateVerifier"/>, not here.
/// </summary>
internal sealed class DerTlsCertificate(BcTlsCrypto crypto, byte[] der, SubjectPublicKeyInfo key) : BcTlsRawKeyCertificate(crypto, key)
{
    /// <summary>The certificate as sent on the wire (a raw-key certificate would encode only its key).</summary>
    public override byte[] GetEncoded() => (byte[])der.Clone();

    /// <summary>Reads the key of a received certificate; a certificate the parser cannot read is refused with bad_certificate.</summary>
    public static DerTlsCertificate Parse(BcTlsCrypto crypto, byte[] der)
    {
        try
        {
            return new DerTlsCertificate(crypto, der, TlsCertificateVerifier.ReadSubjectPublicKeyInfo(der));
        }
        catch (TlsCertificateException e)
        {
            throw new Org.BouncyCastle.Tls.TlsFatalAlert(Org.BouncyCastle.Tls.AlertDescription.bad_certificate, e);
        }
    }
}
