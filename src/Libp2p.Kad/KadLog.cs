using Libp2p.Identity;
using Microsoft.Extensions.Logging;

namespace Libp2p.Kad;

/// <summary>Source-generated log messages of the DHT.</summary>
internal static partial class KadLog
{
    [LoggerMessage(1, LogLevel.Debug, "Kad request {Type} to {Peer} failed")]
    public static partial void RequestFailed(this ILogger logger, string type, PeerId peer, Exception error);

    [LoggerMessage(2, LogLevel.Debug, "Kad request {Type} from {Peer} refused: {Reason}")]
    public static partial void RequestRefused(this ILogger logger, string type, PeerId peer, string reason);

    [LoggerMessage(3, LogLevel.Debug, "Routing table: {Peer} {Outcome}")]
    public static partial void TableChanged(this ILogger logger, PeerId peer, string outcome);

    [LoggerMessage(4, LogLevel.Information, "Kad bootstrap: {Connected} of {Total} bootstrap peer(s) reached, table holds {Size} peer(s)")]
    public static partial void Bootstrapped(this ILogger logger, int connected, int total, int size);

    [LoggerMessage(5, LogLevel.Debug, "Kad refresh failed")]
    public static partial void RefreshFailed(this ILogger logger, Exception error);
}
