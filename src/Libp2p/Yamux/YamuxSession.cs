using Libp2p.Core;
using Microsoft.Extensions.Logging;

namespace Libp2p.Yamux;

/// <summary>
/// A Yamux session (hashicorp yamux spec.md, libp2p <c>/yamux/1.0.0</c>) over one connection.
/// </summary>
/// <remarks>
/// <para>Who runs: one async read loop parses frames (ReadLoop); one async write pump, or a stream's own WriteAsync
/// when the pump is idle, is the only writer of the connection (WritePump); a keep-alive timer pings (Ping).
/// Nothing here owns a thread.</para>
/// <para>Locking: one lock, <see cref="SyncRoot"/>, guards all state of the session and of its streams: the stream
/// table and accept queue (this file), the control-frame queue, send round-robin and writer role (WritePump), the
/// ping (Ping), and each stream's halves (YamuxStream). Methods named <c>…Locked</c> expect it held. It is never
/// held across an await or while calling code outside this folder: completions (reads, writes, accepts, pings) run
/// their continuations asynchronously, and payload bytes are copied outside it (the read loop claims a destination
/// under the lock, fills it without, then accounts for it under the lock again, and whatever it claimed is kept
/// from being handed back meanwhile). Costs per frame: a data frame takes the lock twice on receive (claim; account
/// and apply flags), any other frame once; a write takes it once to queue and once per batch it frames.
/// (go-yamux has a lock per stream; ours stays single because every frame also touches session state — the send
/// queue, the control queue — and two lock levels would cost more acquisitions than they save at these counts.)</para>
/// </remarks>
internal sealed partial class YamuxSession : IAsyncDisposable
{
    public const string ProtocolId = "/yamux/1.0.0";

    private readonly IDuplexStream _connection;
    private readonly YamuxOptions _options;
    private readonly IYamuxResources? _resources;
    private readonly TimeProvider _time;
    private readonly ILogger? _log;
    internal readonly Lock SyncRoot = new();

    private readonly Dictionary<uint, YamuxStream> _streams = new();
    private readonly Queue<YamuxStream> _acceptQueue = new();
    private readonly Queue<TaskCompletionSource<YamuxStream>> _acceptWaiters = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _shutdown = new();

    private long _nextStreamId;
    private uint _highestInboundId;
    private bool _started;
    private bool _disposed;
    private YamuxGoAwayCode? _localGoAway;
    private YamuxGoAwayCode? _remoteGoAway;
    private bool _terminated;
    private Exception? _terminalError;

    /// <summary>A session over <paramref name="connection"/>; <paramref name="resources"/> (the host's resource manager)
    /// pays for its streams and their buffers, nobody counts when null.</summary>
    public YamuxSession(IDuplexStream connection, bool isInitiator, YamuxOptions? options = null, IYamuxResources? resources = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _options = options ?? new YamuxOptions();
        _options.Validate();
        _connection = connection;
        _resources = resources;
        IsInitiator = isInitiator;
        _time = _options.TimeProvider;
        _log = _options.Logger;
        // Spec: the client (initiator) uses odd ids, the server even ones; 0 is the session itself.
        _nextStreamId = isInitiator ? 1 : 2;
        // Each live stream can have a few header-only frames pending (SYN/ACK, window update, FIN, RST);
        // the rest is room for pongs.
        _control = new ControlFrameQueue(_options.MaxStreams * 8 + 1024);
    }

    public bool IsInitiator { get; }

    /// <summary>Completes when the session has ended and the connection is disposed; faulted with the cause if it failed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Streams currently alive (opened or announced by the peer and not yet fully closed or reset).</summary>
    public int StreamCount { get { lock (SyncRoot) return _streams.Count; } }

    internal YamuxOptions Options => _options;
    internal TimeProvider Time => _time;

    /// <summary>Extra window announced with SYN/ACK when we grant more than the spec's 256 KiB.</summary>
    internal uint ExtraInitialWindow => (uint)(_options.InitialWindowSize - YamuxOptions.SpecInitialWindowSize);

    /// <summary>Starts the read loop, the write pump, the RTT ping and keep-alive.</summary>
    public void Start()
    {
        lock (SyncRoot)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started) throw new InvalidOperationException("The session is already started.");
            _started = true;
        }
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        Task pump = WritePumpAsync();
        Task read = ReadLoopAsync();
        StartKeepAlive();
        StartPing(); // measures the RTT that window auto-tuning needs
        await read.ConfigureAwait(false); // ends by terminating the session
        StopKeepAlive();
        if (!pump.IsCompleted)
        {
            // The pump flushes GoAway/RST and closes our write side; a peer that stops reading must not hold us
            // forever, nor may a clock that stands still (CloseDeadline also runs on the real clock).
            using var deadline = new CloseDeadline(_options.CloseTimeout, _time);
            try { await pump.WaitAsync(deadline.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (deadline.Expired)
            {
                AbortWrites(new YamuxSessionClosedException(
                    $"The Yamux session could not flush within {_options.CloseTimeout.TotalSeconds:0.###} s before closing: the peer does not read."));
            }
            await pump.ConfigureAwait(false);
        }
        try { await _connection.DisposeAsync().ConfigureAwait(false); }
        catch (Exception ex) { _log?.LogDebug(ex, "Disposing the connection failed."); }
        ReturnReadBuffers();
        Exception? error;
        lock (SyncRoot) error = _terminalError;
        if (error is null) _completion.TrySetResult();
        else _completion.TrySetException(error);
    }

    /// <summary>Opens a stream; SYN is sent at once and data may follow without waiting for the ACK.</summary>
    public ValueTask<YamuxStream> OpenStreamAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<YamuxStream>(cancellationToken);
        lock (SyncRoot)
        {
            ThrowIfCannotCreateStreams();
            if (_streams.Count >= _options.MaxStreams)
                throw new InvalidOperationException($"The Yamux stream limit ({_options.MaxStreams}) is reached.");
            if (_nextStreamId > uint.MaxValue)
                throw new YamuxSessionClosedException("The Yamux session ran out of stream ids.");
            var scope = _resources?.TryOpenStream(inbound: false)
                ?? (_resources is null ? null : throw new InvalidOperationException("The resource manager refused a new outbound stream."));
            var stream = new YamuxStream(this, (uint)_nextStreamId, isOutbound: true, scope);
            if (!stream.TryReserveInitialWindowLocked())
                throw new InvalidOperationException("The memory budget has no room for the receive window of a new stream.");
            _nextStreamId += 2;
            _streams.Add(stream.Id, stream);
            // go-yamux and js open with a WindowUpdate carrying SYN (delta = extra window beyond 256 KiB).
            EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, stream.Id, ExtraInitialWindow));
            return new ValueTask<YamuxStream>(stream);
        }
    }

    /// <summary>Waits for the next inbound stream; ACKs it on hand-over. Throws <see cref="YamuxSessionClosedException"/> when no more can come.</summary>
    public async ValueTask<YamuxStream> AcceptStreamAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<YamuxStream> waiter;
        lock (SyncRoot)
        {
            if (_acceptQueue.TryDequeue(out var ready))
            {
                AcknowledgeLocked(ready);
                return ready;
            }
            if (_terminated || _localGoAway is not null || _remoteGoAway is not null)
                throw ClosedException();
            waiter = new TaskCompletionSource<YamuxStream>(TaskCreationOptions.RunContinuationsAsynchronously);
            _acceptWaiters.Enqueue(waiter);
        }
        // Cancelling the waiter itself (not just the await) keeps a later stream from being handed to nobody.
        using var registration = cancellationToken.UnsafeRegister(
            static (state, token) => ((TaskCompletionSource<YamuxStream>)state!).TrySetCanceled(token), waiter);
        return await waiter.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Sends GoAway. With <see cref="YamuxGoAwayCode.Normal"/> the session drains: no new streams either way,
    /// live streams finish, then our write side closes. Any other code ends the session at once.
    /// Completes when the frame has been handed to the connection.
    /// </summary>
    public async ValueTask GoAwayAsync(YamuxGoAwayCode code = YamuxGoAwayCode.Normal, CancellationToken cancellationToken = default)
    {
        Task flushed;
        lock (SyncRoot)
        {
            if (_terminated || _outputClosed) return;
            if (code != YamuxGoAwayCode.Normal)
            {
                TerminateLocked(new YamuxSessionClosedException($"The Yamux session was closed locally ({code})."), code);
                flushed = Task.CompletedTask;
            }
            else
            {
                if (_localGoAway is null)
                {
                    _localGoAway = code;
                    _goAwayToSend = code;
                    FailAcceptWaitersLocked();
                    SignalPumpLocked();
                }
                flushed = NextFlushLocked();
            }
        }
        await flushed.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the session now: GoAway(Normal) if not sent yet, live streams fail, the connection is disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        bool started;
        lock (SyncRoot)
        {
            if (_disposed) return;
            _disposed = true;
            started = _started;
            TerminateLocked(null, YamuxGoAwayCode.Normal);
        }
        if (started)
        {
            try { await _completion.Task.ConfigureAwait(false); }
            catch (Exception ex) { _log?.LogDebug(ex, "The Yamux session ended with an error."); }
        }
        else
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _completion.TrySetResult();
        }
    }

    /// <summary>
    /// Ends the session at once, without flushing: live streams and pending writes fail with <paramref name="reason"/>
    /// and the connection is aborted. For a peer that stopped reading, or a close that ran out of time.
    /// </summary>
    public void Abort(Exception? reason = null)
    {
        var error = reason ?? new YamuxSessionClosedException("The Yamux session was aborted.");
        lock (SyncRoot) TerminateLocked(error, null);
        AbortWrites(error);
    }

    private void AbortWrites(Exception reason)
    {
        _abortWrites.Cancel();
        _connection.Abort(reason);
    }

    private void ThrowIfCannotCreateStreams()
    {
        if (_terminated || _outputClosed) throw ClosedException(); // also after DisposeAsync
        if (_localGoAway is not null) throw new YamuxSessionClosedException("The Yamux session is going away (local GoAway).");
        if (_remoteGoAway is not null) throw new YamuxSessionClosedException($"The peer sent GoAway ({_remoteGoAway}).");
    }

    internal Exception ClosedException() =>
        _terminalError is YamuxSessionClosedException closed ? closed
        : new YamuxSessionClosedException("The Yamux session is closed.", _terminalError);

    internal bool IsRemoteId(uint id) => (id % 2 == 1) != IsInitiator;

    /// <summary>Hands an inbound stream to a waiting acceptor, which ACKs it. Returns false if nobody waits.</summary>
    private bool TryHandOverLocked(YamuxStream stream)
    {
        while (_acceptWaiters.TryDequeue(out var waiter))
        {
            if (waiter.TrySetResult(stream))
            {
                AcknowledgeLocked(stream);
                return true;
            }
        }
        return false;
    }

    private void AcknowledgeLocked(YamuxStream stream)
    {
        if (stream.NeedsAckLocked())
            EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Ack, stream.Id, ExtraInitialWindow));
    }

    private void FailAcceptWaitersLocked()
    {
        while (_acceptWaiters.TryDequeue(out var waiter))
            waiter.TrySetException(ClosedException());
    }

    /// <summary>Called when a stream is fully closed or reset.</summary>
    internal void RemoveStreamLocked(YamuxStream stream)
    {
        if (_streams.Remove(stream.Id) && _streams.Count == 0 && (_localGoAway is not null || _remoteGoAway is not null))
            SignalPumpLocked(); // drained: the pump closes our write side
    }

    /// <summary>
    /// Ends the session: live streams fail, acceptors and pings fail, the pump flushes (GoAway if given) and closes
    /// our write side. The read loop stops through <see cref="_shutdown"/>, the keep-alive timer after it.
    /// </summary>
    private void TerminateLocked(Exception? error, YamuxGoAwayCode? goAway)
    {
        if (_terminated) return;
        _terminated = true;
        _terminalError = error;
        if (error is not null) _log?.LogDebug(error, "Yamux session terminated.");
        if (goAway is { } code && _localGoAway is null && !_outputClosed)
        {
            _localGoAway = code;
            _goAwayToSend = code;
        }
        var closed = ClosedException();
        foreach (var stream in _streams.Values) stream.OnSessionTerminatedLocked(closed);
        _streams.Clear();
        while (_acceptQueue.TryDequeue(out var pending)) pending.OnSessionTerminatedLocked(closed);
        FailAcceptWaitersLocked();
        FailPingLocked(closed);
        ReleaseControlBackpressureLocked();
        SignalPumpLocked();
        // CancelAsync runs the callbacks (the pending connection read) off this lock.
        _ = _shutdown.CancelAsync();
    }

    private void Terminate(Exception? error, YamuxGoAwayCode? goAway)
    {
        lock (SyncRoot) TerminateLocked(error, goAway);
    }
}
