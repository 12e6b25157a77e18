using Microsoft.Extensions.Logging;

namespace Libp2p.Transports.Tcp;

/// <summary>Settings of <see cref="TcpTransport"/>.</summary>
public sealed class TcpTransportOptions
{
    /// <summary>Length of the kernel's queue of connections not yet accepted.</summary>
    public int Backlog { get; init; } = 512;

    /// <summary>SO_KEEPALIVE on every connection, so a vanished peer is noticed even when idle.</summary>
    public bool KeepAlive { get; init; } = true;

    /// <summary>Idle time before the first keep-alive probe (TCP_KEEPIDLE); null keeps the OS default.</summary>
    public TimeSpan? KeepAliveTime { get; init; }

    /// <summary>TCP_NODELAY: the layers above frame their own writes, so Nagle only adds latency.</summary>
    public bool NoDelay { get; init; } = true;

    /// <summary>Limit for a whole dial (name resolution and every address tried).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First pause after an accept error; doubled on each further error up to <see cref="AcceptBackoffMax"/>.</summary>
    public TimeSpan AcceptBackoffInitial { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest pause between accept attempts after repeated errors.</summary>
    public TimeSpan AcceptBackoffMax { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Capacity of the <see cref="TcpTransport.Events"/> channel; a full channel pauses accepting.</summary>
    public int EventCapacity { get; init; } = 64;

    /// <summary>The clock for timeouts and backoff.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the transport logs (null: nowhere).</summary>
    public ILogger? Logger { get; init; }
}
