using Microsoft.Extensions.Logging;

namespace Libp2p.Transports.Tcp;

/// <summary>Source-generated log messages of the TCP transport (no boxing, AOT-safe).</summary>
internal static partial class TcpLog
{
    [LoggerMessage(1, LogLevel.Debug, "{Listener} listening on {Address}")]
    public static partial void Listening(ILogger logger, ListenerId listener, string address);

    [LoggerMessage(2, LogLevel.Warning, "{Listener} accept failed ({Error}); retrying in {Delay}")]
    public static partial void AcceptFailed(ILogger logger, ListenerId listener, string error, TimeSpan delay);

    [LoggerMessage(3, LogLevel.Debug, "{Listener} dropped a connection to unannounced address {Address}")]
    public static partial void Unannounced(ILogger logger, ListenerId listener, string address);

    [LoggerMessage(4, LogLevel.Warning, "{Listener} closed: {Reason}")]
    public static partial void ListenerDied(ILogger logger, ListenerId listener, string reason);

    [LoggerMessage(5, LogLevel.Debug, "dial {Address}: {Endpoint} failed: {Error}")]
    public static partial void DialAttemptFailed(ILogger logger, string address, string endpoint, string error);
}
