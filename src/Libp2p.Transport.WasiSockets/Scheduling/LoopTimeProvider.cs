namespace Libp2p.Transport.WasiSockets.Scheduling;

/// <summary>
/// <see cref="TimeProvider"/> over <c>wasi:clocks/monotonic-clock</c> whose timers fire on the
/// <see cref="PollingEventLoop"/> (the loop waits on a clock pollable for the earliest one). Wall-clock time
/// (<see cref="TimeProvider.GetUtcNow"/>) stays the system's.
/// </summary>
internal sealed class LoopTimeProvider : TimeProvider
{
    private readonly PollingEventLoop _loop;

    internal LoopTimeProvider(PollingEventLoop loop) => _loop = loop;

    public override long TimestampFrequency => 1_000_000_000; // monotonic-clock instants are nanoseconds
    public override long GetTimestamp() => (long)_loop.Backend.MonotonicNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var t = new LoopTimer(_loop, callback, state);
        t.Change(dueTime, period);
        return t;
    }
}

internal sealed class LoopTimer : ITimer
{
    private readonly PollingEventLoop _loop;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private TimeSpan _period = Timeout.InfiniteTimeSpan;

    public LoopTimer(PollingEventLoop loop, TimerCallback callback, object? state) { _loop = loop; _callback = callback; _state = state; }

    /// <summary>Bumped on every change: heap entries with an older version are stale and skipped.</summary>
    public int Version { get; private set; }
    public bool Disposed { get; private set; }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (Disposed) return false;
        Version++;
        _period = period;
        if (dueTime != Timeout.InfiniteTimeSpan)
            _loop.Schedule(this, Version, (ulong)Math.Max(0L, dueTime.Ticks) * 100UL);
        return true;
    }

    public void Fire()
    {
        if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            _loop.Schedule(this, Version, (ulong)_period.Ticks * 100UL);
        _callback(_state);
    }

    public void Dispose() { Disposed = true; Version++; }
    public ValueTask DisposeAsync() { Dispose(); return default; }
}
