namespace Libp2p.Relay;

/// <summary>The client side of circuit relay v2: dialing through relays, reserving slots, accepting relayed connections.</summary>
public sealed class RelayClientOptions
{
    /// <summary>Relayed connections accepted at once, all relays together; beyond it the STOP request gets <c>RESOURCE_LIMIT_EXCEEDED</c>.</summary>
    public int MaxInboundCircuits { get; set; } = 64;

    /// <summary>Relayed connections accepted at once through one relay connection (STOP streams it may open).</summary>
    public int MaxInboundCircuitsPerRelay { get; set; } = 16;

    /// <summary>
    /// Accept relayed connections from a relay on which this node holds no reservation through a listener (a reservation
    /// made over the connection some other way, as the interop suite does by hand). go-libp2p and js-libp2p accept them;
    /// false refuses them with <c>PERMISSION_DENIED</c>.
    /// </summary>
    public bool AcceptWithoutListener { get; set; } = true;

    /// <summary>Time for the relay to answer a reservation or circuit request, and for a STOP request to arrive whole.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long before a reservation expires it is refreshed: at most this, and at most half of what is left (js-libp2p
    /// refreshes 5 minutes before expiry).
    /// </summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First delay before reserving again after the relay connection was lost or a refresh failed; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts to reserve again.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Circuit addresses announced for one relay (from the relay's reservation answer); the rest are left out.</summary>
    public int MaxAddressesPerRelay { get; set; } = 8;

    internal void Validate()
    {
        if (MaxInboundCircuits < 1 || MaxInboundCircuitsPerRelay < 1 || MaxAddressesPerRelay < 1)
            throw new ArgumentException("RelayClientOptions counts must be at least 1.");
        if (HandshakeTimeout <= TimeSpan.Zero || RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay || RefreshMargin < TimeSpan.Zero)
            throw new ArgumentException("RelayClientOptions times must be positive (MaxRetryDelay at least RetryDelay).");
    }
}
