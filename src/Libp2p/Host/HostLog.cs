using Libp2p.Identity;
using Libp2p.Multiformats;
using Microsoft.Extensions.Logging;

namespace Libp2p.Host;

/// <summary>Source-generated log messages (no reflection, no per-call allocations when disabled).</summary>
internal static partial class HostLog
{
    [LoggerMessage(1, LogLevel.Information, "Listening on {Address}")]
    public static partial void Listening(this ILogger logger, Multiaddr address);

    [LoggerMessage(2, LogLevel.Information, "Connection {Direction} to {Peer} at {Address}")]
    public static partial void ConnectionOpened(this ILogger logger, ConnectionDirection direction, PeerId peer, Multiaddr address);

    [LoggerMessage(3, LogLevel.Information, "Connection to {Peer} closed")]
    public static partial void ConnectionClosed(this ILogger logger, PeerId peer, Exception? reason);

    [LoggerMessage(4, LogLevel.Debug, "Inbound connection from {Address} failed")]
    public static partial void InboundUpgradeFailed(this ILogger logger, Multiaddr address, Exception error);

    [LoggerMessage(5, LogLevel.Debug, "Refused inbound stream {Protocol} from {Peer} (no handler or over its limit)")]
    public static partial void InboundStreamRefused(this ILogger logger, PeerId peer, string protocol);

    [LoggerMessage(6, LogLevel.Debug, "Inbound stream {Protocol} from {Peer} failed")]
    public static partial void InboundStreamFailed(this ILogger logger, PeerId peer, string? protocol, Exception error);

    [LoggerMessage(7, LogLevel.Debug, "Identify with {Peer} failed")]
    public static partial void IdentifyFailed(this ILogger logger, PeerId peer, Exception error);

    [LoggerMessage(8, LogLevel.Warning, "Listener {Listener} error")]
    public static partial void ListenerError(this ILogger logger, string listener, Exception error);

    [LoggerMessage(9, LogLevel.Debug, "Closing idle connection to {Peer}")]
    public static partial void ClosingIdle(this ILogger logger, PeerId peer);

    [LoggerMessage(11, LogLevel.Warning, "Closing a connection failed during shutdown")]
    public static partial void ShutdownCloseFailed(this ILogger logger, Exception error);

    [LoggerMessage(12, LogLevel.Warning, "A subscriber to {Notification} threw")]
    public static partial void NotificationFailed(this ILogger logger, string notification, Exception error);

    [LoggerMessage(13, LogLevel.Debug, "Dialing {Address} again: it did not accept {Protocol} offered optimistically; negotiating every security protocol")]
    public static partial void SecurityFallback(this ILogger logger, Multiaddr address, string protocol);
}
