using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Libp2p.Identity;
using Libp2p.Noise;
using PublicKey = Libp2p.Identity.PublicKey;

namespace Libp2p.Security.Tls;

/// <summary>
/// The check of the remote's certificate that both TLS engines run inside their handshake, keeping its verdict for the
/// caller: the remote must send exactly one certificate, which <see cref="TlsCertificateVerifier"/> accepts at the
/// context's time, and prove the expected peer id. SslStream calls <see cref="Validate"/> (its validation callback);
/// the managed engine calls <see cref="Check"/> with the chain it received.
/// </summary>
internal sealed class TlsRemoteCheck(SecurityUpgradeContext context)
{
    public (PeerId Peer, PublicKey Key)? Remote { get; private set; }

    public Exception? Failure { get; private set; }

    /// <summary>SslStream's validation callback: it puts every certificate but the leaf in the chain's extra store.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
            return Refuse(new TlsCertificateException(TlsCertificateError.Missing, "the remote presented no certificate."));
        byte[] der = certificate.GetRawCertData();
        if (chain is not null)
        {
            foreach (var extra in chain.ChainPolicy.ExtraStore)
                if (!extra.RawDataMemory.Span.SequenceEqual(der))
                    return Refuse(new TlsCertificateException(TlsCertificateError.TooManyCertificates, "the remote sent more than one certificate."));
        }
        return Check(der);
    }

    /// <summary>Checks the remote's one certificate (DER); false, with <see cref="Failure"/> set, when it is refused.</summary>
    public bool Check(ReadOnlySpan<byte> der)
    {
        try
        {
            var remote = TlsCertificateVerifier.Verify(der, context.TimeProvider.GetUtcNow());
            if (context.ExpectedRemote is { } expected && expected != remote.Peer)
                throw new PeerIdMismatchException(expected, remote.Peer);
            Remote = remote;
            return true;
        }
        catch (Exception e) when (e is TlsCertificateException or PeerIdMismatchException)
        {
            return Refuse(e);
        }
    }

    /// <summary>Records why the remote was refused (the first reason wins) and returns false.</summary>
    public bool Refuse(Exception reason)
    {
        Failure ??= reason;
        return false;
    }
}
