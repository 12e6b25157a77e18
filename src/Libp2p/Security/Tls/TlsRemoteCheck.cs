using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Libp2p.Identity;
using Libp2p.Noise;
using PublicKey = Libp2p.Identity.PublicKey;

namespace Libp2p.Security.Tls;

/// <summary>
/// Runs our verification in SslStream's validation callback and keeps its verdict for the caller: the remote must
/// send exactly one certificate (SslStream puts the others in the chain's extra store), which
/// <see cref="TlsCertificateVerifier"/> accepts at the context's time, and prove the expected peer id.
/// </summary>
internal sealed class TlsRemoteCheck(SecurityUpgradeContext context)
{
    public (PeerId Peer, PublicKey Key)? Remote { get; private set; }

    public Exception? Failure { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        try
        {
            if (certificate is null)
                throw new TlsCertificateException(TlsCertificateError.Missing, "the remote presented no certificate.");
            byte[] der = certificate.GetRawCertData();
            if (chain is not null)
            {
                foreach (var extra in chain.ChainPolicy.ExtraStore)
                    if (!extra.RawDataMemory.Span.SequenceEqual(der))
                        throw new TlsCertificateException(TlsCertificateError.TooManyCertificates, "the remote sent more than one certificate.");
            }
            var remote = TlsCertificateVerifier.Verify(der, context.TimeProvider.GetUtcNow());
            if (context.ExpectedRemote is { } expected && expected != remote.Peer)
                throw new PeerIdMismatchException(expected, remote.Peer);
            Remote = remote;
            return true;
        }
        catch (Exception e) when (e is TlsCertificateException or PeerIdMismatchException)
        {
            Failure = e;
            return false;
        }
    }
}
