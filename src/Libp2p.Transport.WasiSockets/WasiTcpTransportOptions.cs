namespace Libp2p.Transport.WasiSockets;

/// <summary>Socket options applied through the WASI setters; null leaves the host's default.</summary>
public sealed class WasiTcpTransportOptions
{
    /// <summary>TCP keep-alive (<c>set-keep-alive-enabled</c>).</summary>
    public bool KeepAlive { get; init; } = true;
    /// <summary>Idle time before the first keep-alive probe; null leaves the host's default.</summary>
    public TimeSpan? KeepAliveIdleTime { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Time between keep-alive probes; null leaves the host's default.</summary>
    public TimeSpan? KeepAliveInterval { get; init; }
    /// <summary>Unanswered probes before the connection is dropped; null leaves the host's default.</summary>
    public uint? KeepAliveCount { get; init; }
    /// <summary>Unicast hop limit (IPv4 TTL / IPv6 hop limit).</summary>
    public byte? HopLimit { get; init; }
    /// <summary>The socket's receive buffer size in bytes; null leaves the host's default.</summary>
    public ulong? ReceiveBufferSize { get; init; }
    /// <summary>The socket's send buffer size in bytes; null leaves the host's default.</summary>
    public ulong? SendBufferSize { get; init; }
    /// <summary>The listen backlog (<c>set-listen-backlog-size</c>; hosts may ignore it).</summary>
    public ulong ListenBacklog { get; init; } = 1024;
    /// <summary>Capacity of <see cref="WasiTcpTransport.Events"/>: a slow reader slows accepting.</summary>
    public int EventCapacity { get; init; } = 64;
    /// <summary>Pause after a failed accept before the next one (the listener keeps going).</summary>
    public TimeSpan AcceptErrorBackoff { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>How long disposing a connection waits for written bytes to be flushed.</summary>
    public TimeSpan CloseFlushTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Reads or writes completing without waiting this many times in a row yield to the loop (fairness).</summary>
    public int YieldEvery { get; init; } = 8;
}
