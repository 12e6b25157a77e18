using Libp2p.Multiformats;
using Microsoft.Extensions.Logging;

namespace Libp2p.Daemon;

/// <summary>Source-generated log messages of the daemon.</summary>
internal static partial class DaemonLog
{
    [LoggerMessage(1, LogLevel.Information, "Control socket listening on {Address}")]
    public static partial void ControlListening(this ILogger logger, Multiaddr address);

    [LoggerMessage(2, LogLevel.Debug, "Control request {Type}")]
    public static partial void Request(this ILogger logger, string type);

    [LoggerMessage(3, LogLevel.Debug, "Refused control message: {Reason}")]
    public static partial void RefusedMessage(this ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Debug, "Control connection ended with an error")]
    public static partial void ConnectionFailed(this ILogger logger, Exception error);

    [LoggerMessage(5, LogLevel.Warning, "Refused a control connection: {Limit} are open")]
    public static partial void TooManyConnections(this ILogger logger, int limit);

    [LoggerMessage(6, LogLevel.Debug, "Piped stream {Protocol} ended with an error")]
    public static partial void PipeFailed(this ILogger logger, string protocol, Exception error);

    [LoggerMessage(7, LogLevel.Debug, "Reset inbound stream {Protocol}: {Reason}")]
    public static partial void InboundStreamReset(this ILogger logger, string protocol, string reason);

    [LoggerMessage(11, LogLevel.Debug, "Subscription to {Topic} ended: the client connection failed")]
    public static partial void SubscriptionEnded(this ILogger logger, string topic, Exception error);
}
