using Libp2p.Transports;

namespace Libp2p.Relay;

/// <summary>
/// A relay refused a reservation or a circuit (<see cref="Status"/> says why, and the message names it as the spec
/// does, e.g. <c>NO_RESERVATION</c>), or a relay exchange broke the protocol (<see cref="Status"/> null).
/// </summary>
public sealed class CircuitRelayException(string message, RelayStatus? status = null, Exception? inner = null)
    : TransportException(message, inner)
{
    /// <summary>The status the relay (or the target) answered; null when the exchange failed before a status.</summary>
    public RelayStatus? Status { get; } = status;
}

/// <summary>A hop or stop message is malformed, too long or missing; only this escapes the decoders.</summary>
public sealed class RelayProtocolException(string message, Exception? inner = null)
    : Libp2pException(Libp2pError.ProtocolViolation, message, inner);
