namespace Libp2p.Yamux;

// Ping (spec: SYN carries an opaque value, the answer is ACK with the same value), RTT measurement,
// and the keep-alive loop. One ping is outstanding at a time; concurrent PingAsync calls share it (as js does).
public sealed partial class YamuxSession
{
    private TaskCompletionSource<TimeSpan>? _ping;
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
            answered = StartPingLocked();
        }
        return await answered.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void StartPing()
    {
        lock (SyncRoot)
        {
            if (!_terminated && !_outputClosed) _ = StartPingLocked();
        }
    }

    private Task<TimeSpan> StartPingLocked()
    {
        if (_ping is null)
        {
            _ping = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pingId++;
            _pingStartTimestamp = _time.GetTimestamp();
            EnqueueControl(new YamuxHeader(YamuxFrameType.Ping, YamuxFlags.Syn, 0, _pingId));
        }
        return _ping.Task;
    }

    private void OnPongLocked(uint opaque)
    {
        // An answer we did not ask for is ignored (go-yamux does the same; js calls it a protocol error).
        if (_ping is null || opaque != _pingId) return;
        var rtt = _time.GetElapsedTime(_pingStartTimestamp);
        _roundTripTime = rtt;
        var ping = _ping;
        _ping = null;
        ping.TrySetResult(rtt);
    }

    private void FailPingLocked(Exception error)
    {
        var ping = _ping;
        _ping = null;
        if (ping is not null)
        {
            ping.TrySetException(error);
            _ = ping.Task.Exception; // observed: keep-alive pings have nobody awaiting them
        }
    }

    /// <summary>
    /// Sends a ping every interval. An unanswered ping is not fatal here (js neither closes on it); it keeps the
    /// connection busy for middleboxes and refreshes the RTT when answered.
    /// </summary>
    private async Task KeepAliveLoopAsync()
    {
        if (_options.KeepAliveInterval is not { } interval) return;
        try
        {
            Task delay = Task.Delay(interval, _time, _shutdown.Token);
            while (true)
            {
                await delay.ConfigureAwait(false);
                // Arm the next interval before pinging, so the timer is registered by the time the ping is visible.
                delay = Task.Delay(interval, _time, _shutdown.Token);
                StartPing();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
