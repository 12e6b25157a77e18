using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcCertificate = Org.BouncyCastle.Tls.Certificate;
using BcCredentials = Org.BouncyCastle.Tls.TlsCredentials;

namespace Libp2p.Security.Tls.Managed;

/// <summary>
/// The listener's side of libp2p TLS for BouncyCastle: TLS 1.3 only, a client certificate required and checked by
/// <see cref="TlsRemoteCheck"/>, our certificate signed for with ecdsa_secp256r1_sha256, and ALPN answered as our
/// SslStream server answers it: the first protocol of <em>our</em> list (muxers, then <c>libp2p</c>) that the client
/// offered, and a no_application_protocol alert when there is none. (The spec says the server SHOULD take the
/// client's order, as go-libp2p and js-libp2p do; SslStream cannot, and both engines must pick alike. With one muxer
/// the choice is the same; docs/interop.md.)
/// </summary>
internal sealed class Libp2pTlsServer(BcTlsCrypto crypto, TlsCredentials credentials, IList<ProtocolName> alpn, TlsRemoteCheck check)
    : AbstractTlsServer(crypto), IManagedTlsPeer
{
    private readonly BcTlsCrypto _crypto = crypto;

    public bool HandshakeComplete { get; private set; }

    public string? SelectedAlpn => m_context.SecurityParameters.ApplicationProtocol?.GetUtf8Decoding();

    protected override ProtocolVersion[] GetSupportedVersions() => ManagedTlsParameters.Versions;

    protected override int[] GetSupportedCipherSuites() => ManagedTlsParameters.CipherSuites(Crypto);

    protected override IList<ProtocolName> GetProtocolNames() => alpn;

    public override int[] GetSupportedGroups() => ManagedTlsParameters.Groups;

    public override BcCredentials GetCredentials() => ManagedTlsIdentity.Signer(m_context, _crypto, credentials, TlsUtilities.EmptyBytes);

    /// <summary>Mutual authentication: the spec requires the client's certificate.</summary>
    public override CertificateRequest GetCertificateRequest() =>
        new(TlsUtilities.EmptyBytes, ManagedTlsParameters.SignatureAlgorithms, null, null);

    public override void NotifyClientCertificate(BcCertificate clientCertificate) => ManagedTlsIdentity.CheckRemote(check, clientCertificate);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        HandshakeComplete = true;
    }
}
