using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Transports;

namespace Libp2p.Relay;

/// <summary>
/// What a relay (the hop side of circuit relay v2) admits. The defaults are go-libp2p's (relay/resources.go): a
/// reservation lasts an hour, each circuit two minutes and 128 KiB each way — enough to coordinate a hole punch or
/// exchange small messages, not to carry bulk data on someone else's bandwidth. Every count is bounded, so no peer can
/// make the relay hold unbounded reservations, circuits or buffers: a relay holds at most
/// <see cref="MaxCircuits"/> × 2 × <see cref="BufferSize"/> bytes of relay buffers (8 MiB by default), and only while
/// data is moving. Those buffers are also reserved, per circuit, in the host's resource manager (the service scope
/// <see cref="RelayProtocol.ServiceName"/>, limited by <c>ResourceLimits.Services</c> or <c>MemoryPerService</c>, and the
/// node's <c>Memory</c>): a circuit that does not fit gets <c>RESOURCE_LIMIT_EXCEEDED</c>.
/// </summary>
public sealed class RelayServiceOptions
{
    /// <summary>How long a reservation lasts; clients refresh before it expires.</summary>
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Reservations held at once; a new peer beyond it gets <c>RESERVATION_REFUSED</c> (a refresh always passes).</summary>
    public int MaxReservations { get; set; } = 128;

    /// <summary>Reservations from one IP address (of the connection it came over); beyond it <c>RESERVATION_REFUSED</c>.</summary>
    public int MaxReservationsPerIp { get; set; } = 8;

    /// <summary>Circuits relayed at once, all peers together; beyond it <c>RESOURCE_LIMIT_EXCEEDED</c>.</summary>
    public int MaxCircuits { get; set; } = 256;

    /// <summary>Circuits one peer takes part in at once, as source or as target; beyond it <c>RESOURCE_LIMIT_EXCEEDED</c>.</summary>
    public int MaxCircuitsPerPeer { get; set; } = 16;

    /// <summary>
    /// The limit of every circuit (announced in reservations, CONNECT answers and STOP requests, and enforced: the relay
    /// resets both streams when a circuit has lasted <see cref="ConnectionLimit.Duration"/> or carried
    /// <see cref="ConnectionLimit.Data"/> bytes in one direction). Null: unlimited circuits, for a private relay.
    /// </summary>
    public ConnectionLimit? Limit { get; set; } = new(TimeSpan.FromMinutes(2), 128 * 1024);

    /// <summary>The buffer each direction of a circuit copies through (rented while data moves, returned when idle).</summary>
    public int BufferSize { get; set; } = 16 * 1024;

    /// <summary>Time for a hop request to arrive, and for the target to answer its STOP request.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Hop streams open at once on one connection (reservations and circuits being set up or running).</summary>
    public int MaxHopStreamsPerConnection { get; set; } = 32;

    /// <summary>Addresses put into a reservation (the relay's own listen addresses, with its peer id); the rest are left out.</summary>
    public int MaxReservationAddresses { get; set; } = 16;

    /// <summary>Decides who may reserve (peer, address of its connection); null allows everyone. A refusal is <c>PERMISSION_DENIED</c>.</summary>
    public Func<PeerId, Multiaddr, bool>? AllowReservation { get; set; }

    /// <summary>Decides whether a source may reach a target (source, its address, target); null allows everyone. A refusal is <c>PERMISSION_DENIED</c>.</summary>
    public Func<PeerId, Multiaddr, PeerId, bool>? AllowConnect { get; set; }

    internal void Validate()
    {
        if (ReservationTtl <= TimeSpan.Zero) throw new ArgumentException("RelayServiceOptions.ReservationTtl must be positive.");
        if (MaxReservations < 1 || MaxReservationsPerIp < 1 || MaxCircuits < 1 || MaxCircuitsPerPeer < 1 || MaxHopStreamsPerConnection < 1)
            throw new ArgumentException("RelayServiceOptions counts must be at least 1.");
        if (BufferSize < 512 || BufferSize > 1024 * 1024) throw new ArgumentException("RelayServiceOptions.BufferSize must be 512 B to 1 MiB.");
        if (HandshakeTimeout <= TimeSpan.Zero) throw new ArgumentException("RelayServiceOptions.HandshakeTimeout must be positive.");
        if (Limit is { Duration: { } d } && (d <= TimeSpan.Zero || d.TotalSeconds > uint.MaxValue))
            throw new ArgumentException("RelayServiceOptions.Limit.Duration must be positive and fit the wire's 32-bit seconds.");
        if (Limit is { Data: { } b } && b <= 0) throw new ArgumentException("RelayServiceOptions.Limit.Data must be positive.");
    }
}
