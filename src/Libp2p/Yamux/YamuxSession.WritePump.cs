using System.Buffers;

namespace Libp2p.Yamux;

// The write pump and the writer role. Whoever holds the role (_writing) is the only writer of the connection: the
// pump, or a stream's WriteAsync that found the pump idle and writes its own data at once (no thread-pool hop to
// wake the pump, none to complete the write). Each batch is one pooled buffer holding all pending header-only
// frames, then the GoAway if due, then data frames taken round-robin from streams that have bytes and send
// window, so one connection write usually carries many frames. A direct write that does not complete at once is
// handed to the pump to finish, so the stream's writer never waits on the network beyond its own bytes.
internal sealed partial class YamuxSession
{
    // About the spec's initial window, and exactly four full Noise frames of plaintext (4 x 65519), which Noise
    // seals into one inner write: a full batch is one syscall on Noise over TCP.
    private const int BatchSize = 4 * 65519;
    private const int MaxControlBytesPerBatch = 32 * 1024;
    // Below this much room a batch is sent rather than topped up with a tiny data frame.
    private const int MinDataFrameRoom = 4 * 1024;

    // Answers to the peer (pongs, RSTs of refused streams) beyond this many queued frames pause the read loop until the
    // pump has written them down to ControlLowWater: a peer that floods us with SYNs or pings while it reads is slowed
    // to the pace at which it reads our answers instead of having its session ended; one that does not read at all
    // hits WriteTimeout.
    private const int ControlHighWater = 1024;
    private const int ControlLowWater = 256;

    private readonly ControlFrameQueue _control;
    private TaskCompletionSource? _controlDrained; // the read loop waits on it while the queue is above high water
    private ITimer? _writeTimer;
    private long _writeDeadline;  // timestamp; 0 while no write is pending

    private readonly ReusableValueTaskSource<bool> _pumpWake = new();
    private readonly CancellationTokenSource _abortWrites = new();
    private YamuxStream? _sendHead;
    private YamuxStream? _sendTail;
    private YamuxGoAwayCode? _goAwayToSend;
    private TaskCompletionSource? _nextFlush;
    private bool _outputClosed;
    private bool _writing; // the writer role is held (by the pump or a direct writer)
    // A direct write still in flight, for the pump to await (it holds the writer role until then).
    private byte[]? _handoffBatch;
    private ValueTask _handoffWrite;
    private TaskCompletionSource? _handoffFlush;

    /// <summary>Queues a header-only frame we originate. Overflow means the peer stopped reading: the session ends.</summary>
    internal void EnqueueControl(in YamuxHeader header)
    {
        if (_outputClosed) return;
        if (!_control.TryEnqueue(header))
        {
            TerminateLocked(new YamuxSessionClosedException("The Yamux control frame queue overflowed: the peer does not read."), YamuxGoAwayCode.InternalError);
            return;
        }
        SignalPumpLocked();
    }

    /// <summary>Queues an answer the peer asked for (pong, RST of a refused stream); overflow is the peer's protocol error.</summary>
    private void EnqueueControlFromPeerLocked(in YamuxHeader header)
    {
        if (_outputClosed || _terminated) return;
        if (!_control.TryEnqueue(header))
            throw new YamuxProtocolException("The peer makes us answer faster than it reads (control frame queue full).");
        SignalPumpLocked();
    }

    /// <summary>Puts a stream with bytes to send and send window at the back of the round-robin.</summary>
    internal void EnqueueSendLocked(YamuxStream stream)
    {
        AppendSendLocked(stream);
        SignalPumpLocked();
    }

    internal void AppendSendLocked(YamuxStream stream)
    {
        if (stream.InSendQueue) return;
        stream.InSendQueue = true;
        stream.SendNext = null;
        if (_sendTail is null) _sendHead = stream;
        else _sendTail.SendNext = stream;
        _sendTail = stream;
    }

    private YamuxStream? DequeueSendLocked()
    {
        var stream = _sendHead;
        if (stream is null) return null;
        _sendHead = stream.SendNext;
        if (_sendHead is null) _sendTail = null;
        stream.SendNext = null;
        stream.InSendQueue = false;
        return stream;
    }

    private void SignalPumpLocked() => _pumpWake.TrySetResult(true);

    /// <summary>A task completing once everything queued so far has been handed to the connection.</summary>
    private Task NextFlushLocked()
    {
        if (_outputClosed) return Task.CompletedTask;
        return (_nextFlush ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
    }

    private bool HasOutputLocked => _control.Count > 0 || _sendHead is not null || _goAwayToSend is not null;

    // Terminated, or drained after a GoAway either way: nothing more will be written.
    private bool ShouldCloseOutputLocked =>
        _terminated || ((_localGoAway is not null || _remoteGoAway is not null) && _streams.Count == 0);

    private async Task WritePumpAsync()
    {
        Exception? error = null;
        try
        {
            bool wrote = false; // the previous iteration wrote a batch: let go of the writer role in the next lock
            while (true)
            {
                byte[]? batch = null;
                int length = 0;
                ValueTask write = default;
                TaskCompletionSource? flushed = null;
                ValueTask wake = default;
                bool close = false;
                lock (SyncRoot)
                {
                    if (wrote) _writing = false;
                    wrote = false;
                    if (_handoffBatch is not null)
                    {
                        batch = _handoffBatch;
                        write = _handoffWrite;
                        flushed = _handoffFlush;
                        _handoffBatch = null;
                        _handoffWrite = default;
                        _handoffFlush = null;
                    }
                    else if (_writing)
                    {
                        wake = _pumpWake.BeginVoid(); // a direct writer signals when it lets go
                    }
                    else if (HasOutputLocked)
                    {
                        _writing = true;
                        batch = RentBatchLocked();
                        length = BuildBatchLocked(batch);
                        flushed = _nextFlush;
                        _nextFlush = null;
                    }
                    else if (ShouldCloseOutputLocked)
                    {
                        _outputClosed = true;
                        close = true;
                    }
                    else
                    {
                        wake = _pumpWake.BeginVoid();
                    }
                }
                if (batch is not null)
                {
                    if (length > 0) write = _connection.WriteAsync(batch.AsMemory(0, length), _abortWrites.Token);
                    if (!write.IsCompleted) ArmWriteTimeout();
                    await write.ConfigureAwait(false);
                    Volatile.Write(ref _writeDeadline, 0);
                    ArrayPool<byte>.Shared.Return(batch);
                    flushed?.TrySetResult();
                    wrote = true;
                    continue;
                }
                if (close) break;
                await wake.ConfigureAwait(false);
            }
            await _connection.CloseWriteAsync(_abortWrites.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
        }
        _writeTimer?.Dispose();
        TaskCompletionSource? pendingFlush;
        lock (SyncRoot)
        {
            _outputClosed = true;
            ReleaseControlBackpressureLocked();
            pendingFlush = _nextFlush;
            _nextFlush = null;
            if (error is not null)
                TerminateLocked(new YamuxSessionClosedException("Writing to the connection failed.", error), null);
        }
        if (error is null) pendingFlush?.TrySetResult();
        else pendingFlush?.TrySetException(ClosedException());
    }

    /// <summary>
    /// Takes the writer role for a stream's WriteAsync if nobody holds it (the pump is idle). The caller has queued
    /// its stream and then calls <see cref="WriteDirect"/>.
    /// </summary>
    internal bool TryTakeWriterLocked()
    {
        if (_writing || !_started || _outputClosed || _terminated || _handoffBatch is not null) return false;
        _writing = true;
        return true;
    }

    /// <summary>
    /// Writes batches as the pump would, while <paramref name="stream"/> has bytes and window; then lets go of the
    /// writer role (waking the pump if output is left). A connection write that does not complete synchronously is
    /// handed to the pump, which releases the role once it is done.
    /// </summary>
    internal void WriteDirect(YamuxStream stream)
    {
        while (true)
        {
            byte[] batch;
            int length;
            TaskCompletionSource? flushed;
            lock (SyncRoot)
            {
                if (_terminated || !stream.WantsToSendLocked || !HasOutputLocked)
                {
                    _writing = false;
                    if (HasOutputLocked || ShouldCloseOutputLocked) SignalPumpLocked();
                    return;
                }
                batch = RentBatchLocked();
                length = BuildBatchLocked(batch);
                flushed = _nextFlush;
                _nextFlush = null;
            }
            ValueTask write = length > 0 ? _connection.WriteAsync(batch.AsMemory(0, length), _abortWrites.Token) : default;
            if (!write.IsCompletedSuccessfully)
            {
                lock (SyncRoot)
                {
                    _handoffBatch = batch;
                    _handoffWrite = write;
                    _handoffFlush = flushed;
                    SignalPumpLocked();
                }
                return;
            }
            write.GetAwaiter().GetResult(); // releases a pooled source
            ArrayPool<byte>.Shared.Return(batch);
            flushed?.TrySetResult();
        }
    }

    /// <summary>
    /// A batch as large as what is pending (up to <see cref="BatchSize"/>): a few header-only frames or a small
    /// message must not take a 256 KiB array, which the pool rarely has to spare when many connections start at once.
    /// </summary>
    private byte[] RentBatchLocked()
    {
        long needed = Math.Min(_control.Count * YamuxHeader.Size, MaxControlBytesPerBatch) + YamuxHeader.Size;
        for (var s = _sendHead; s is not null && needed < BatchSize; s = s.SendNext)
            needed += YamuxHeader.Size + s.SendableBytesLocked;
        // Room for one more small frame keeps BuildBatchLocked from deferring a stream's data to another batch.
        return ArrayPool<byte>.Shared.Rent((int)Math.Min(BatchSize, needed + MinDataFrameRoom));
    }

    /// <summary>A task the read loop awaits before reading on while our answers pile up; null when there is room.</summary>
    private Task? ControlBackpressureLocked()
    {
        if (_control.Count < ControlHighWater || _terminated || _outputClosed) return null;
        return (_controlDrained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
    }

    private void ReleaseControlBackpressureLocked()
    {
        if (_controlDrained is null || (_control.Count > ControlLowWater && !_terminated && !_outputClosed)) return;
        _controlDrained.TrySetResult();
        _controlDrained = null;
    }

    /// <summary>A write that did not complete at once must complete within WriteTimeout, or the session is aborted.</summary>
    private void ArmWriteTimeout()
    {
        if (_options.WriteTimeout is not { } timeout) return;
        Volatile.Write(ref _writeDeadline, _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency));
        _writeTimer ??= _time.CreateTimer(static s => ((YamuxSession)s!).OnWriteTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _writeTimer.Change(timeout, Timeout.InfiniteTimeSpan);
    }

    private void OnWriteTimer()
    {
        long deadline = Volatile.Read(ref _writeDeadline);
        if (deadline == 0) return;
        long now = _time.GetTimestamp();
        if (now < deadline)
        {
            _writeTimer?.Change(_time.GetElapsedTime(now, deadline), Timeout.InfiniteTimeSpan); // an older arming fired
            return;
        }
        Abort(new YamuxSessionClosedException(
            $"A write to the connection made no progress for {_options.WriteTimeout!.Value.TotalSeconds:0.###} s (Yamux write timeout): the peer does not read. The connection was aborted."));
    }

    private int BuildBatchLocked(byte[] batch)
    {
        int position = _control.Drain(batch.AsSpan(0, Math.Min(MaxControlBytesPerBatch, batch.Length)));
        ReleaseControlBackpressureLocked();
        // Data never overtakes a control frame (a stream's SYN must precede its data).
        if (_control.Count > 0) return position;
        if (_goAwayToSend is { } code)
        {
            new YamuxHeader(YamuxFrameType.GoAway, YamuxFlags.None, 0, (uint)code).Write(batch.AsSpan(position));
            position += YamuxHeader.Size;
            _goAwayToSend = null;
        }
        while (_sendHead is not null)
        {
            int room = batch.Length - position - YamuxHeader.Size;
            if (room < MinDataFrameRoom && (position > 0 || room <= 0)) break;
            var stream = DequeueSendLocked()!;
            position += stream.WriteDataFrameLocked(batch.AsSpan(position), room);
            if (stream.WantsToSendLocked) AppendSendLocked(stream);
        }
        return position;
    }
}
