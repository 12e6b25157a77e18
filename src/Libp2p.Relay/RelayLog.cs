using Libp2p.Identity;
using Libp2p.Multiformats;
using Microsoft.Extensions.Logging;

namespace Libp2p.Relay;

/// <summary>Source-generated log messages of the relay service and the relay transport.</summary>
internal static partial class RelayLog
{
    [LoggerMessage(1, LogLevel.Debug, "Relay: reservation for {Peer} until {Expire}")]
    public static partial void Reserved(this ILogger logger, PeerId peer, DateTimeOffset expire);

    [LoggerMessage(2, LogLevel.Information, "Relay: refused {Request} from {Peer}: {Status} ({Reason})")]
    public static partial void Refused(this ILogger logger, string request, PeerId peer, string status, string reason);

    [LoggerMessage(3, LogLevel.Debug, "Relay: circuit {Source} -> {Target} open")]
    public static partial void CircuitOpened(this ILogger logger, PeerId source, PeerId target);

    [LoggerMessage(4, LogLevel.Debug, "Relay: circuit {Source} -> {Target} ended after {Bytes} byte(s)")]
    public static partial void CircuitEnded(this ILogger logger, PeerId source, PeerId target, long bytes, Exception? reason);

    [LoggerMessage(5, LogLevel.Information, "Relay client: reserved a slot on {Relay} until {Expire}; announcing {Count} circuit address(es)")]
    public static partial void ReservationMade(this ILogger logger, PeerId relay, DateTimeOffset expire, int count);

    [LoggerMessage(6, LogLevel.Warning, "Relay client: reservation on {Address} failed; retrying in {Delay}")]
    public static partial void ReservationFailed(this ILogger logger, Multiaddr address, TimeSpan delay, Exception error);

    [LoggerMessage(7, LogLevel.Debug, "Relay client: refused a circuit from {Source} via {Relay}: {Reason}")]
    public static partial void StopRefused(this ILogger logger, PeerId source, PeerId relay, string reason);

    [LoggerMessage(8, LogLevel.Debug, "Relay: hop stream from {Peer} failed")]
    public static partial void HopFailed(this ILogger logger, PeerId peer, Exception error);
}
