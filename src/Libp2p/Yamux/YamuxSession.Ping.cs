namespace Libp2p.Yamux;

// Ping (spec: SYN carries an opaque value, the answer is ACK with the same value), RTT measurement,
// and the keep-alive timer. One ping is outstanding at a time; concurrent PingAsync calls share it (as js does).
// A ping nobody awaits (start-up RTT, keep-alive) allocates nothing: the completion source exists only for callers.
internal sealed partial class YamuxSession
{
    private TaskCompletionSource<TimeSpan>? _ping; // only while a PingAsync caller waits
    private bool _pingOutstanding;
    private ITimer? _keepAliveTimer;
    private uint _pingId;
    private long _pingStartTimestamp;
    private TimeSpan? _roundTripTime;

    /// <summary>The round-trip time of the last answered ping; null until one is answered.</summary>
    public TimeSpan? LastRoundTripTime { get { lock (SyncRoot) return _roundTripTime; } }

    internal TimeSpan? RoundTripTimeLocked => _roundTripTime;

    /// <summary>Pings the peer and returns the round-trip time.</summary>
    public async ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        Task<TimeSpan> answered;
        lock (SyncRoot)
        {
            if (_terminated || _outputClosed) throw ClosedException();
            StartPingLocked();
            answered = (_ping ??= new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        return await answered.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void StartPing()
    {
        lock (SyncRoot)
        {
            if (!_terminated && !_outputClosed) StartPingLocked();
        }
    }

    private void StartPingLocked()
    {
        if (_pingOutstanding) return;
        _pingOutstanding = true;
        _pingId++;
        _pingStartTimestamp = _time.GetTimestamp();
        EnqueueControl(new YamuxHeader(YamuxFrameType.Ping, YamuxFlags.Syn, 0, _pingId));
    }

    private void OnPongLocked(uint opaque)
    {
        // An answer we did not ask for is ignored (go-yamux does the same; js calls it a protocol error).
        if (!_pingOutstanding || opaque != _pingId) return;
        _pingOutstanding = false;
        var rtt = _time.GetElapsedTime(_pingStartTimestamp);
        _roundTripTime = rtt;
        var ping = _ping;
        _ping = null;
        ping?.TrySetResult(rtt);
    }

    private void FailPingLocked(Exception error)
    {
        _pingOutstanding = false;
        var ping = _ping;
        _ping = null;
        if (ping is not null)
        {
            ping.TrySetException(error);
            _ = ping.Task.Exception; // observed: a caller may have stopped waiting (cancelled)
        }
    }

    /// <summary>
    /// Sends a ping every interval, from one periodic timer of the session's <see cref="TimeProvider"/> (nothing is
    /// allocated per tick). An unanswered ping is not fatal here (js neither closes on it); it keeps the connection
    /// busy for middleboxes and refreshes the RTT when answered.
    /// </summary>
    private void StartKeepAlive()
    {
        if (_options.KeepAliveInterval is not { } interval) return;
        _keepAliveTimer = _time.CreateTimer(static state => ((YamuxSession)state!).StartPing(), this, interval, interval);
    }

    private void StopKeepAlive() => _keepAliveTimer?.Dispose();
}
