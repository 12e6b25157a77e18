using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Libp2p.Security.Tls.Managed;

/// <summary>
/// BouncyCastle's TLS crypto (its own AES-GCM, ChaCha20-Poly1305, X25519, ECDH, ECDSA, HKDF: all managed code, so it
/// runs inside Wasm) with one change: received X.509 certificates become <see cref="DerTlsCertificate"/>s.
/// </summary>
internal sealed class ManagedTlsCrypto(SecureRandom random) : BcTlsCrypto(random)
{
    public override Org.BouncyCastle.Tls.Crypto.TlsCertificate CreateCertificate(short type, byte[] encoding)
    {
        // We never offer raw public keys (RFC 7250): only X.509 can arrive.
        if (type != CertificateType.X509) throw new TlsFatalAlert(AlertDescription.unsupported_certificate);
        return DerTlsCertificate.Parse(this, encoding);
    }

    public override Org.BouncyCastle.Tls.Crypto.TlsCertificate CreateCertificate(byte[] encoding) => DerTlsCertificate.Parse(this, encoding);
}
