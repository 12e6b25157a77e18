using System.Diagnostics.Metrics;

namespace Libp2p.Host;

/// <summary>The host's <see cref="System.Diagnostics.Metrics"/> instruments (meter "Libp2p.Host").</summary>
internal sealed class HostMetrics : IDisposable
{
    public const string MeterName = "Libp2p.Host";

    private readonly Meter _meter = new(MeterName, "0.1.0");
    private readonly Counter<long> _connectionsOpened;
    private readonly Counter<long> _connectionsClosed;
    private readonly UpDownCounter<long> _connectionsActive;
    private readonly Counter<long> _streamsOpened;
    private readonly Counter<long> _dialFailures;
    private readonly Counter<long> _inboundUpgradeFailures;
    private readonly Histogram<double> _upgradeMilliseconds;
    private readonly Counter<long> _refusals;

    public HostMetrics()
    {
        _connectionsOpened = _meter.CreateCounter<long>("libp2p.connections.opened", description: "Connections that completed the upgrade.");
        _connectionsClosed = _meter.CreateCounter<long>("libp2p.connections.closed");
        _connectionsActive = _meter.CreateUpDownCounter<long>("libp2p.connections.active");
        _streamsOpened = _meter.CreateCounter<long>("libp2p.streams.opened", description: "Streams whose protocol was negotiated.");
        _dialFailures = _meter.CreateCounter<long>("libp2p.dials.failed");
        _inboundUpgradeFailures = _meter.CreateCounter<long>("libp2p.inbound.upgrade_failures");
        _upgradeMilliseconds = _meter.CreateHistogram<double>("libp2p.upgrade.duration", unit: "ms", description: "Dial or accept to muxed connection.");
        _refusals = _meter.CreateCounter<long>("libp2p.resource.refusals", description: "Connections, streams and memory refused by the resource manager, by limit.");
    }

    public void ConnectionOpened(ConnectionDirection direction, double upgradeMs)
    {
        var tag = new KeyValuePair<string, object?>("direction", direction == ConnectionDirection.Inbound ? "inbound" : "outbound");
        _connectionsOpened.Add(1, tag);
        _connectionsActive.Add(1);
        _upgradeMilliseconds.Record(upgradeMs, tag);
    }

    public void ConnectionClosed()
    {
        _connectionsClosed.Add(1);
        _connectionsActive.Add(-1);
    }

    public void StreamOpened(bool outbound)
        => _streamsOpened.Add(1, new KeyValuePair<string, object?>("direction", outbound ? "outbound" : "inbound"));

    public void DialFailed() => _dialFailures.Add(1);

    public void InboundUpgradeFailed() => _inboundUpgradeFailures.Add(1);

    public void ResourceRefused(string limit) => _refusals.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void Dispose() => _meter.Dispose();
}
