using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Noise;

namespace Libp2p.Security.Tls;

/// <summary>
/// <c>/tls/1.0.0</c> (libp2p/specs tls/tls.md): TLS 1.3 with mutual authentication by self-signed certificates that
/// carry the host key (<see cref="TlsCertificate"/>, checked by <see cref="TlsCertificateVerifier"/>), ALPN <c>libp2p</c>
/// and early muxer negotiation through ALPN (the muxers are offered before <c>libp2p</c>).
/// Natively on <see cref="System.Net.Security.SslStream"/> (OpenSSL on Linux). Inside WebAssembly there is no
/// SslStream: see <see cref="IsSupported"/> and docs/security.md.
/// </summary>
public sealed class TlsSecurity : ISecurityProtocol
{
    /// <summary>The protocol id, <c>/tls/1.0.0</c>.</summary>
    public const string Id = "/tls/1.0.0";

    /// <summary>The ALPN protocol that means "libp2p, no early muxer".</summary>
    public const string Alpn = "libp2p";

    private readonly bool _fixedCredentials;
    private TlsCredentials? _credentials;

    /// <summary>TLS 1.3 presenting a self-signed certificate that carries the host key of the connection's context (the libp2p extension).</summary>
    public TlsSecurity() { }

    /// <summary>Always presents <paramref name="credentials"/> (tests use it to send odd certificates).</summary>
    internal TlsSecurity(TlsCredentials credentials)
    {
        _credentials = credentials;
        _fixedCredentials = true;
    }

    /// <inheritdoc/>
    public string ProtocolId => Id;

    /// <summary>
    /// False inside WebAssembly (browser-wasm, WASI): the BCL's TLS needs OpenSSL, which Wasm does not have.
    /// A host there should not offer <c>/tls/1.0.0</c>; a handshake attempt throws <see cref="PlatformNotSupportedException"/>.
    /// </summary>
    public static bool IsSupported => !OperatingSystem.IsBrowser() && !OperatingSystem.IsWasi();

    /// <exception cref="TlsCertificateException">The remote's certificate was refused.</exception>
    /// <exception cref="PeerIdMismatchException">The remote is not <see cref="SecurityUpgradeContext.ExpectedRemote"/>.</exception>
    /// <exception cref="SecurityHandshakeException">The TLS handshake failed.</exception>
    public ValueTask<SecuredConnection> SecureOutboundAsync(IDuplexStream connection, SecurityUpgradeContext context, CancellationToken cancellationToken = default)
        => HandshakeAsync(connection, context, isServer: false, cancellationToken);

    /// <exception cref="TlsCertificateException">The remote's certificate was refused.</exception>
    /// <exception cref="SecurityHandshakeException">The TLS handshake failed.</exception>
    public ValueTask<SecuredConnection> SecureInboundAsync(IDuplexStream connection, SecurityUpgradeContext context, CancellationToken cancellationToken = default)
        => HandshakeAsync(connection, context, isServer: true, cancellationToken);

    private ValueTask<SecuredConnection> HandshakeAsync(IDuplexStream connection, SecurityUpgradeContext context, bool isServer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(context);
        if (OperatingSystem.IsBrowser() || OperatingSystem.IsWasi())
            throw new PlatformNotSupportedException($"{Id} is not available inside WebAssembly: it needs the platform's TLS (OpenSSL), which Wasm does not have. Use /noise (see docs/security.md).");
        return SslStreamTls.HandshakeAsync(connection, context, Credentials(context), isServer, ct);
    }

    /// <summary>Our certificate for the context's host key, made on first use and kept while the key is the same.</summary>
    internal TlsCredentials Credentials(SecurityUpgradeContext context)
    {
        var current = Volatile.Read(ref _credentials);
        if (current is not null && (_fixedCredentials || ReferenceEquals(current.Identity, context.Identity))) return current;
        var (der, key) = TlsCertificate.Generate(context.Identity, context.TimeProvider.GetUtcNow());
        var made = new TlsCredentials(context.Identity, der, key);
        Volatile.Write(ref _credentials, made);
        return made;
    }

    /// <summary>The muxer an ALPN answer names: null for none or <c>libp2p</c> (negotiate it with multistream-select).</summary>
    internal static string? MuxerFromAlpn(string? alpn) => string.IsNullOrEmpty(alpn) || alpn == Alpn ? null : alpn;
}
