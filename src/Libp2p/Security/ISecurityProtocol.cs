using Libp2p.Core;

namespace Libp2p.Security;

/// <summary>
/// A connection security protocol (libp2p/specs connections: "secure channel"): turns a raw connection into an
/// authenticated, usually encrypted one and proves the remote's peer id. The host negotiates one from
/// <see cref="Host.HostOptions.SecurityProtocols"/> with multistream-select and then calls it.
/// </summary>
/// <remarks>
/// Implementations: <see cref="Noise.NoiseSecurity"/> (<c>/noise</c>), <see cref="Tls.TlsSecurity"/> (<c>/tls/1.0.0</c>),
/// <see cref="Plaintext.PlaintextSecurity"/> (<c>/plaintext/2.0.0</c>, no encryption, tests only).
/// The dialer writes first in each of them, so the host may propose the first protocol optimistically
/// (see <see cref="Multistream.MultistreamSelect.SelectLazy(IDuplexStream, string)"/>).
/// An implementation must be safe to use for many connections at once, and must leave the connection
/// as it is on failure (the caller aborts and disposes it).
/// </remarks>
public interface ISecurityProtocol
{
    /// <summary>The id negotiated with multistream-select, e.g. <c>/noise</c>.</summary>
    string ProtocolId { get; }

    /// <summary>Dialer side: secures <paramref name="connection"/> and checks the remote against <see cref="SecurityUpgradeContext.ExpectedRemote"/>.</summary>
    /// <exception cref="Libp2p.Noise.PeerIdMismatchException">The remote proved another peer id than the expected one.</exception>
    ValueTask<SecuredConnection> SecureOutboundAsync(IDuplexStream connection, SecurityUpgradeContext context, CancellationToken cancellationToken = default);

    /// <summary>Listener side: secures <paramref name="connection"/> and learns who the remote is.</summary>
    ValueTask<SecuredConnection> SecureInboundAsync(IDuplexStream connection, SecurityUpgradeContext context, CancellationToken cancellationToken = default);
}
