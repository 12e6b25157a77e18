namespace Libp2p.Transport.WasiSockets;

/// <summary>Socket options applied through the WASI setters; null leaves the host's default.</summary>
public sealed class WasiTcpTransportOptions
{
    public bool KeepAlive { get; init; } = true;
    public TimeSpan? KeepAliveIdleTime { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan? KeepAliveInterval { get; init; }
    public uint? KeepAliveCount { get; init; }
    /// <summary>Unicast hop limit (IPv4 TTL / IPv6 hop limit).</summary>
    public byte? HopLimit { get; init; }
    public ulong? ReceiveBufferSize { get; init; }
    public ulong? SendBufferSize { get; init; }
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
