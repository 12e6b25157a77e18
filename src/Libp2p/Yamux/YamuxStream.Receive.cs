using System.Buffers;
using System.Runtime.ExceptionServices;

namespace Libp2p.Yamux;

// The read side: a ring buffer that holds at most the window we granted (rented from the pool when a payload
// arrives, grown with the window, returned as soon as the application has drained it, so an idle stream holds
// none), and window credit returned as the application consumes, with auto-tuning of the window from the
// measured RTT. A zero-byte read waits for data, FIN or an error without taking anything (IDuplexStream's contract).
public sealed partial class YamuxStream
{
    private const int MinReceiveBuffer = 4 * 1024;

    private readonly ReusableValueTaskSource<int> _readOp = new();
    private byte[]? _receiveBuffer;
    private int _receiveHead;
    private int _receiveCount;
    private bool _receiveWriting; // the read loop is filling a region of the buffer outside the lock

    private int _receiveWindow;    // current window size (grows up to MaxWindowSize)
    private long _receiveCredit;   // bytes the peer may still send
    private int _consumedUnacked;  // consumed by the application, not yet returned as credit
    private long _lastWindowUpdateTimestamp;

    private Memory<byte> _pendingRead;
    private CancellationTokenRegistration _readRegistration;
    private CancellationToken _readToken;

    /// <summary>Whether the receive ring is rented right now (tests: an idle stream must hold none).</summary>
    internal bool HoldsReceiveBuffer { get { lock (SyncRoot) return _receiveBuffer is not null; } }

    /// <summary>The current receive window (tests and diagnostics).</summary>
    internal int ReceiveWindow { get { lock (SyncRoot) return _receiveWindow; } }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (SyncRoot)
        {
            if (_readOp.IsPending) throw new InvalidOperationException("A read is already in progress on this stream.");
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_resetError is not null) ExceptionDispatchInfo.Throw(_resetError);
            // A zero-byte read returns at once when data is buffered, else waits below like any read; the
            // completion then copies nothing and reports 0.
            if (_receiveCount > 0)
            {
                int n = CopyOutLocked(buffer.Span);
                OnConsumedLocked(n);
                return new ValueTask<int>(n);
            }
            if (_finReceived)
            {
                ReleaseReceiveBufferLocked();
                return new ValueTask<int>(0);
            }
            if (_sessionError is not null) ExceptionDispatchInfo.Throw(_sessionError);
            if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<int>(cancellationToken);
            _pendingRead = buffer;
            var pending = _readOp.Begin();
            if (cancellationToken.CanBeCanceled)
            {
                _readToken = cancellationToken;
                _readRegistration = cancellationToken.UnsafeRegister(
                    static (state, token) => ((YamuxStream)state!).CancelRead(token), this);
            }
            return pending;
        }
    }

    private void CancelRead(CancellationToken token)
    {
        lock (SyncRoot)
        {
            if (_readOp.IsPending && _readToken == token)
                CompleteReadLocked(0, new OperationCanceledException(token));
        }
    }

    private void CompleteReadLocked(int result, Exception? error)
    {
        _readRegistration.Unregister();
        _readRegistration = default;
        _readToken = default;
        _pendingRead = default;
        if (error is null) _readOp.TrySetResult(result);
        else _readOp.TrySetException(error);
    }

    /// <summary>
    /// Called by the read loop for a data frame: checks the window and returns the buffer region(s) the payload
    /// goes to, or false if the payload is to be discarded. A window overrun resets the stream and is a protocol
    /// error for the session (as js does).
    /// </summary>
    internal bool TryBeginReceiveLocked(uint length, out Memory<byte> first, out Memory<byte> second)
    {
        first = default;
        second = default;
        if (length > _receiveCredit)
        {
            long credit = _receiveCredit;
            ResetLocked(new YamuxStreamResetException("The peer overran the receive window; the stream was reset."), sendRst: true);
            throw new YamuxProtocolException($"Stream {Id}: the peer sent {length} bytes with only {credit} bytes of window.");
        }
        if (_finReceived) throw new YamuxProtocolException($"Stream {Id}: data after FIN.");
        _receiveCredit -= length;
        if (_resetError is not null || _sessionError is not null || _disposed) return false;

        int size = (int)length;
        EnsureReceiveCapacityLocked(_receiveCount + size);
        int capacity = _receiveBuffer!.Length;
        int tail = (_receiveHead + _receiveCount) % capacity;
        int firstLength = Math.Min(size, capacity - tail);
        first = _receiveBuffer.AsMemory(tail, firstLength);
        if (firstLength < size) second = _receiveBuffer.AsMemory(0, size - firstLength);
        _receiveWriting = true;
        return true;
    }

    /// <summary>Called by the read loop once the payload is in the buffer (or failed to arrive).</summary>
    internal void EndReceiveLocked(int length, bool received)
    {
        _receiveWriting = false;
        if (_resetError is not null || _disposed)
        {
            ReleaseReceiveBufferLocked(); // it was kept for us while we wrote into it
            return;
        }
        if (!received) return;
        _receiveCount += length;
        if (_readOp.IsPending)
        {
            int n = CopyOutLocked(_pendingRead.Span);
            OnConsumedLocked(n);
            CompleteReadLocked(n, null);
        }
    }

    private void OnRemoteFinLocked()
    {
        if (_resetError is not null || _finReceived) return;
        _finReceived = true;
        if (_readOp.IsPending) CompleteReadLocked(0, null); // a pending read means nothing is buffered
        RemoveIfClosedLocked();
    }

    private int CopyOutLocked(Span<byte> destination)
    {
        var buffer = _receiveBuffer!;
        int n = Math.Min(destination.Length, _receiveCount);
        int first = Math.Min(n, buffer.Length - _receiveHead);
        buffer.AsSpan(_receiveHead, first).CopyTo(destination);
        buffer.AsSpan(0, n - first).CopyTo(destination[first..]);
        _receiveHead = (_receiveHead + n) % buffer.Length;
        _receiveCount -= n;
        // Drained: back to the pool (the next payload rents again). Not while the read loop is filling the region
        // after the data: it was handed out relative to this head.
        if (_receiveCount == 0 && !_receiveWriting) ReleaseReceiveBufferLocked();
        return n;
    }

    /// <summary>
    /// Returns credit once half the window has been consumed (hysteresis: one update per half window). If that
    /// half window was consumed within two round trips, the window is too small for the path's bandwidth-delay
    /// product: it doubles, up to MaxWindowSize (the auto-tuning of go-yamux and rust-yamux).
    /// </summary>
    private void OnConsumedLocked(int consumed)
    {
        if (_finReceived || _resetError is not null || _sessionError is not null) return;
        _consumedUnacked += consumed;
        if (_consumedUnacked < _receiveWindow / 2) return;

        uint delta = (uint)_consumedUnacked;
        var time = _session.Time;
        long now = time.GetTimestamp();
        int max = _session.Options.MaxWindowSize;
        if (_receiveWindow < max && _session.RoundTripTimeLocked is { } rtt
            && time.GetElapsedTime(_lastWindowUpdateTimestamp, now) <= rtt * 2)
        {
            int growth = Math.Min(_receiveWindow, max - _receiveWindow);
            _receiveWindow += growth;
            delta += (uint)growth;
        }
        _lastWindowUpdateTimestamp = now;
        _consumedUnacked = 0;
        _receiveCredit += delta;
        _session.EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.None, Id, delta));
    }

    private void EnsureReceiveCapacityLocked(int needed)
    {
        if (_receiveBuffer is not null && _receiveBuffer.Length >= needed) return;
        // needed <= window <= MaxWindowSize (1 GiB at most), so this cannot overflow.
        int size = (int)Math.Max(MinReceiveBuffer, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)needed));
        var grown = ArrayPool<byte>.Shared.Rent(size);
        int count = _receiveCount;
        if (_receiveBuffer is { } old)
        {
            // Linearise (not through CopyOutLocked, which would hand the drained ring back to the pool).
            int first = Math.Min(count, old.Length - _receiveHead);
            old.AsSpan(_receiveHead, first).CopyTo(grown);
            old.AsSpan(0, count - first).CopyTo(grown.AsSpan(first));
            ArrayPool<byte>.Shared.Return(old);
        }
        _receiveBuffer = grown;
        _receiveHead = 0;
        _receiveCount = count;
    }

    private void ReleaseReceiveBufferLocked()
    {
        if (_receiveBuffer is null || _receiveWriting || _receiveCount > 0) return;
        ArrayPool<byte>.Shared.Return(_receiveBuffer);
        _receiveBuffer = null;
        _receiveHead = 0;
    }
}
