using Libp2p.Identity;

namespace Libp2p.Security;

/// <summary>What a <see cref="ISecurityProtocol"/> needs to secure one connection.</summary>
public sealed class SecurityUpgradeContext
{
    /// <param name="identity">The local host key (what the handshake proves to the remote).</param>
    /// <param name="muxers">Stream muxers to offer inside the handshake (early muxer negotiation), in order of preference; may be empty.</param>
    /// <param name="timeProvider">The clock (TLS checks certificate validity against it).</param>
    /// <param name="expectedRemote">Dialer only: the peer id the remote must prove, or null to accept anyone.</param>
    public SecurityUpgradeContext(PrivateKey identity, IReadOnlyList<string> muxers, TimeProvider timeProvider, PeerId? expectedRemote = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(muxers);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Identity = identity;
        Muxers = muxers;
        TimeProvider = timeProvider;
        ExpectedRemote = expectedRemote;
    }

    /// <summary>The local host key (what the handshake proves to the remote).</summary>
    public PrivateKey Identity { get; }

    /// <summary>Stream muxers to offer inside the handshake (early muxer negotiation), in order of preference; may be empty.</summary>
    public IReadOnlyList<string> Muxers { get; }

    /// <summary>The clock (TLS checks certificate validity against it).</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Dialer only: the peer id the remote must prove, or null to accept anyone.</summary>
    public PeerId? ExpectedRemote { get; }
}
