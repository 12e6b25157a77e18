namespace Libp2p.Relay;

/// <summary>Protocol ids and wire constants of circuit relay v2 (libp2p/specs relay/circuit-v2.md).</summary>
public static class RelayProtocol
{
    /// <summary>Between a client and the relay: reservations and circuit requests.</summary>
    public const string HopProtocolId = "/libp2p/circuit/relay/0.2.0/hop";

    /// <summary>Between the relay and the target of a circuit.</summary>
    public const string StopProtocolId = "/libp2p/circuit/relay/0.2.0/stop";

    /// <summary>
    /// Largest hop or stop message accepted (go-libp2p's <c>maxMessageSize</c>): a reservation with a voucher and a few
    /// addresses fits with room to spare; anything longer is refused before a buffer is taken for it.
    /// </summary>
    public const int MaxMessageSize = 4096;
}

/// <summary>The status codes of circuit relay v2 (the spec's <c>Status</c> enum, same values).</summary>
public enum RelayStatus
{
    /// <summary>Success (<c>OK</c>).</summary>
    Ok = 100,
    /// <summary>The relay refused the reservation (<c>RESERVATION_REFUSED</c>).</summary>
    ReservationRefused = 200,
    /// <summary>A relay limit was hit (<c>RESOURCE_LIMIT_EXCEEDED</c>).</summary>
    ResourceLimitExceeded = 201,
    /// <summary>Not allowed (<c>PERMISSION_DENIED</c>).</summary>
    PermissionDenied = 202,
    /// <summary>The relay could not reach the target (<c>CONNECTION_FAILED</c>).</summary>
    ConnectionFailed = 203,
    /// <summary>The target has no reservation on the relay (<c>NO_RESERVATION</c>).</summary>
    NoReservation = 204,
    /// <summary>A message could not be read (<c>MALFORMED_MESSAGE</c>).</summary>
    MalformedMessage = 400,
    /// <summary>A message of the wrong type (<c>UNEXPECTED_MESSAGE</c>).</summary>
    UnexpectedMessage = 401,
}

/// <summary>Names of <see cref="RelayStatus"/> values as the spec and the other implementations print them.</summary>
internal static class RelayStatusNames
{
    /// <summary>The spec's name, e.g. <c>NO_RESERVATION</c>; the number for a value the spec does not define.</summary>
    public static string WireName(this RelayStatus status) => status switch
    {
        RelayStatus.Ok => "OK",
        RelayStatus.ReservationRefused => "RESERVATION_REFUSED",
        RelayStatus.ResourceLimitExceeded => "RESOURCE_LIMIT_EXCEEDED",
        RelayStatus.PermissionDenied => "PERMISSION_DENIED",
        RelayStatus.ConnectionFailed => "CONNECTION_FAILED",
        RelayStatus.NoReservation => "NO_RESERVATION",
        RelayStatus.MalformedMessage => "MALFORMED_MESSAGE",
        RelayStatus.UnexpectedMessage => "UNEXPECTED_MESSAGE",
        _ => ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
