using System.Net.Security;
using System.Runtime.ExceptionServices;
using System.Runtime.Versioning;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Noise;
using PublicKey = Libp2p.Identity.PublicKey;

namespace Libp2p.Security.Tls;

/// <summary>
/// libp2p TLS on the BCL's <see cref="SslStream"/> (OpenSSL on Linux): TLS 1.3 only, mutual authentication with
/// our certificate, no SNI, ALPN offering the muxers then <c>libp2p</c>, and the remote's certificate checked by
/// <see cref="TlsCertificateVerifier"/> inside the validation callback, so a refusal aborts the handshake with an alert.
/// </summary>
[UnsupportedOSPlatform("browser")]
internal static class SslStreamTls
{
    public static async ValueTask<SecuredConnection> HandshakeAsync(
        IDuplexStream connection, SecurityUpgradeContext context, TlsCredentials credentials, bool isServer, CancellationToken ct)
    {
        var certificate = credentials.GetOrCreateEngineState(CreateCertificateContext);
        var check = new TlsRemoteCheck(context);
        var alpn = new List<SslApplicationProtocol>(context.Muxers.Count + 1);
        foreach (var m in context.Muxers) alpn.Add(new SslApplicationProtocol(m));
        alpn.Add(new SslApplicationProtocol(TlsSecurity.Alpn));

        // The SslStream must not dispose the connection on failure: the caller owns it until we return.
        var ssl = new SslStream(connection.AsStream(leaveOpen: true), leaveInnerStreamOpen: false);
        try
        {
            if (isServer)
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = certificate,
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = SslProtocols.Tls13,
                    ApplicationProtocols = alpn,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    CertificateChainPolicy = ChainPolicy(),
                    RemoteCertificateValidationCallback = check.Validate,
                    AllowRenegotiation = false,
                }, ct).ConfigureAwait(false);
            }
            else
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    // No SNI: the spec reserves it for future versions (an empty or IP target sends none).
                    TargetHost = string.Empty,
                    ClientCertificateContext = certificate,
                    EnabledSslProtocols = SslProtocols.Tls13,
                    ApplicationProtocols = alpn,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    CertificateChainPolicy = ChainPolicy(),
                    RemoteCertificateValidationCallback = check.Validate,
                    AllowRenegotiation = false,
                }, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (check.Failure is { } failure) ExceptionDispatchInfo.Throw(failure);
            if (e is OperationCanceledException) throw;
            throw new SecurityHandshakeException(TlsSecurity.Id, $"the TLS handshake failed: {Describe(e)}", e);
        }

        if (check.Remote is not { } remote)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TlsCertificateException(TlsCertificateError.Missing, "the remote presented no certificate.");
        }
        if (ssl.SslProtocol != SslProtocols.Tls13)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new SecurityHandshakeException(TlsSecurity.Id, $"the TLS handshake agreed {ssl.SslProtocol}; only TLS 1.3 is allowed.");
        }
        string? muxer = TlsSecurity.MuxerFromAlpn(ssl.NegotiatedApplicationProtocol.ToString());
        return new SecuredConnection(new TlsConnection(ssl, connection), remote.Peer, remote.Key, TlsSecurity.Id, muxer);
    }

    private static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (Exception? x = e; x is not null && messages.Count < 3; x = x.InnerException)
            if (!messages.Contains(x.Message)) messages.Add(x.Message);
        return string.Join(" — ", messages);
    }

    // The chain is built before our callback runs, and we ignore its verdict: keep it cheap and off the network.
    private static X509ChainPolicy ChainPolicy() => new()
    {
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
        TrustMode = X509ChainTrustMode.CustomRootTrust,
    };

    private static SslStreamCertificateContext CreateCertificateContext(TlsCredentials credentials)
    {
        var key = credentials.Key;
        var q = EcCurves.PublicFromPrivate(key).Q;
        var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = EcCurves.ScalarBytes(key.Parameters, key.D),
            Q = new System.Security.Cryptography.ECPoint { X = q.AffineXCoord.GetEncoded(), Y = q.AffineYCoord.GetEncoded() },
        });
        using var publicOnly = X509CertificateLoader.LoadCertificate(credentials.Der);
        var withKey = publicOnly.CopyWithPrivateKey(ecdsa);
        return SslStreamCertificateContext.Create(withKey, additionalCertificates: null, offline: true);
    }
}
