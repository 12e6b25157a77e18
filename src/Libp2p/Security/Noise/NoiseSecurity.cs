using Libp2p.Core;
using Libp2p.Noise;

namespace Libp2p.Security.Noise;

/// <summary>
/// <c>/noise</c> (libp2p/specs noise): Noise_XX_25519_ChaChaPoly_SHA256 with the libp2p identity payload and early
/// muxer negotiation through its <c>stream_muxers</c> extension. An adapter over <see cref="NoiseHandshake"/>.
/// </summary>
public sealed class NoiseSecurity : ISecurityProtocol
{
    /// <inheritdoc/>
    public string ProtocolId => NoiseHandshake.ProtocolId;

    /// <exception cref="NoiseHandshakeException">The handshake failed.</exception>
    /// <exception cref="PeerIdMismatchException">The remote is not <see cref="SecurityUpgradeContext.ExpectedRemote"/>.</exception>
    public async ValueTask<SecuredConnection> SecureOutboundAsync(IDuplexStream connection, SecurityUpgradeContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var secure = await NoiseHandshake.InitiateAsync(connection, context.Identity, context.ExpectedRemote, context.Muxers, cancellationToken).ConfigureAwait(false);
        return new SecuredConnection(secure, secure.RemotePeer, secure.RemotePublicKey, ProtocolId, secure.NegotiatedMuxer);
    }

    /// <exception cref="NoiseHandshakeException">The handshake failed.</exception>
    public async ValueTask<SecuredConnection> SecureInboundAsync(IDuplexStream connection, SecurityUpgradeContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var secure = await NoiseHandshake.RespondAsync(connection, context.Identity, context.Muxers, cancellationToken).ConfigureAwait(false);
        return new SecuredConnection(secure, secure.RemotePeer, secure.RemotePublicKey, ProtocolId, secure.NegotiatedMuxer);
    }
}
