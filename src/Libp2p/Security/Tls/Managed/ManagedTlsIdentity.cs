using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcCertificate = Org.BouncyCastle.Tls.Certificate;

namespace Libp2p.Security.Tls.Managed;

/// <summary>Our side of the authentication, and the check of the remote's, as BouncyCastle's TLS wants them.</summary>
internal static class ManagedTlsIdentity
{
    /// <summary>
    /// Our certificate and its P-256 key as a signer for CertificateVerify with ecdsa_secp256r1_sha256.
    /// <paramref name="requestContext"/> is the CertificateRequest's context (empty in a first handshake; a server's own is empty).
    /// </summary>
    public static TlsCredentialedSigner Signer(TlsContext context, BcTlsCrypto crypto, TlsCredentials credentials, byte[] requestContext)
    {
        var key = credentials.GetOrCreateEngineState(static c => TlsCertificateVerifier.ReadSubjectPublicKeyInfo(c.Der));
        var certificate = new DerTlsCertificate(crypto, credentials.Der, key);
        var chain = new BcCertificate(requestContext, [new CertificateEntry(certificate, null)]);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, credentials.Key, chain, ManagedTlsParameters.OurScheme);
    }

    /// <summary>
    /// Checks the chain the remote sent (exactly one certificate, accepted by <paramref name="check"/>); a refusal is
    /// thrown as a fatal alert carrying the reason, so BouncyCastle sends the alert and the handshake fails.
    /// </summary>
    public static void CheckRemote(TlsRemoteCheck check, BcCertificate? chain)
    {
        if (chain is null || chain.IsEmpty)
        {
            check.Refuse(new TlsCertificateException(TlsCertificateError.Missing, "the remote presented no certificate."));
            throw new TlsFatalAlert(AlertDescription.certificate_required, check.Failure);
        }
        if (chain.Length > 1)
        {
            check.Refuse(new TlsCertificateException(TlsCertificateError.TooManyCertificates, "the remote sent more than one certificate."));
            throw new TlsFatalAlert(AlertDescription.bad_certificate, check.Failure);
        }
        if (!check.Check(chain.GetCertificateAt(0).GetEncoded()))
            throw new TlsFatalAlert(AlertDescription.bad_certificate, check.Failure);
    }
}
