using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcCredentials = Org.BouncyCastle.Tls.TlsCredentials;

namespace Libp2p.Security.Tls.Managed;

/// <summary>
/// The dialer's side of libp2p TLS for BouncyCastle: TLS 1.3 only, no SNI (the spec reserves it), no OCSP request,
/// ALPN offering the muxers then <c>libp2p</c>, our certificate when the server asks for one (it must), and the
/// server's certificate checked by <see cref="TlsRemoteCheck"/> as soon as it arrives.
/// </summary>
internal sealed class Libp2pTlsClient(BcTlsCrypto crypto, TlsCredentials credentials, IList<ProtocolName> alpn, TlsRemoteCheck check)
    : AbstractTlsClient(crypto), IManagedTlsPeer
{
    private readonly BcTlsCrypto _crypto = crypto;
    private readonly TlsCredentials _credentials = credentials;
    private readonly TlsRemoteCheck _check = check;

    public bool HandshakeComplete { get; private set; }

    public string? SelectedAlpn => m_context.SecurityParameters.ApplicationProtocol?.GetUtf8Decoding();

    protected override ProtocolVersion[] GetSupportedVersions() => ManagedTlsParameters.Versions;

    protected override int[] GetSupportedCipherSuites() => ManagedTlsParameters.CipherSuites(Crypto);

    protected override IList<ProtocolName> GetProtocolNames() => alpn;

    protected override IList<int> GetSupportedGroups(IList<int> namedGroupRoles) => ManagedTlsParameters.Groups;

    protected override IList<SignatureAndHashAlgorithm> GetSupportedSignatureAlgorithms() => ManagedTlsParameters.SignatureAlgorithms;

    protected override CertificateStatusRequest? GetCertificateStatusRequest() => null;

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        HandshakeComplete = true;
    }

    private sealed class Authentication(Libp2pTlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            ManagedTlsIdentity.CheckRemote(client._check, serverCertificate.Certificate);

        public BcCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            ManagedTlsIdentity.Signer(client.m_context, client._crypto, client._credentials, certificateRequest.GetCertificateRequestContext());
    }
}
