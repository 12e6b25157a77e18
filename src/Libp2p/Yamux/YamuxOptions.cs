using Microsoft.Extensions.Logging;

namespace Libp2p.Yamux;

/// <summary>Settings of a <see cref="YamuxSession"/>.</summary>
public sealed class YamuxOptions
{
    /// <summary>The window every stream starts with, fixed by the spec: both peers assume it until a WindowUpdate.</summary>
    public const int SpecInitialWindowSize = 256 * 1024;

    /// <summary>Receive window we grant each new stream; at least 256 KiB (extra is announced with SYN/ACK).</summary>
    public int InitialWindowSize { get; set; } = SpecInitialWindowSize;

    /// <summary>Upper bound of the receive window when it grows with measured throughput.</summary>
    public int MaxWindowSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>Maximum streams alive at once (both directions); beyond it opens fail and inbound SYNs get RST.</summary>
    public int MaxStreams { get; set; } = 1024;

    /// <summary>Inbound streams not yet accepted (so not yet ACKed); one more SYN is answered with RST.</summary>
    public int MaxUnacknowledgedInboundStreams { get; set; } = 256;

    /// <summary>Interval of keep-alive pings; null turns them off.</summary>
    public TimeSpan? KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one write to the connection may make no progress (the peer stopped reading and the socket's buffer is
    /// full) before the session is aborted and all its buffers return; null: no limit. go-yamux's ConnectionWriteTimeout.
    /// </summary>
    public TimeSpan? WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a closing session may spend flushing before the connection is aborted.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock of keep-alives and timeouts (the host sets its own).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the session logs (null: nowhere).</summary>
    public ILogger? Logger { get; set; }

    internal void Validate()
    {
        if (InitialWindowSize < SpecInitialWindowSize)
            throw new ArgumentOutOfRangeException(nameof(InitialWindowSize), "The spec fixes the initial window at 256 KiB; it can only be raised.");
        if (MaxWindowSize < InitialWindowSize)
            throw new ArgumentOutOfRangeException(nameof(MaxWindowSize), "MaxWindowSize must be at least InitialWindowSize.");
        if (MaxWindowSize > 1 << 30)
            throw new ArgumentOutOfRangeException(nameof(MaxWindowSize), "MaxWindowSize is limited to 1 GiB.");
        if (MaxStreams < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxStreams));
        if (MaxUnacknowledgedInboundStreams < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxUnacknowledgedInboundStreams));
        if (KeepAliveInterval is { } k && k <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(KeepAliveInterval));
        if (WriteTimeout is { } w && w <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(WriteTimeout));
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
