using System.Buffers;
using System.Runtime.ExceptionServices;

namespace Libp2p.Yamux;

// The receive half. The session's read loop moves each data payload, outside the lock, to one of two places:
// - the application's pending read, when one is waiting and nothing is buffered, but only with what the connection
//   already holds (IBufferedReader: Noise decrypts whole received frames straight into it). That move never waits
//   on the network, so a read that is cancelled, reset or disposed meanwhile is completed right after it, at once;
// - otherwise, and for the rest, a ring buffer here, read straight from the connection (so Noise decrypts into it
//   when a frame fits). The ring holds at most the window we granted; it is rented from the pool when a payload
//   arrives and returned as soon as the application has drained it, so an idle stream holds none, and it is rented
//   at the largest size the stream needed so far (at most its window), so a busy stream grows it (and copies what
//   it holds) a few times while its window grows, not on every burst.
// Window credit is returned as the application consumes, with auto-tuning of the window from the measured RTT.
// A zero-byte read waits for data, FIN or an error without taking anything (IDuplexStream's contract).
internal sealed partial class YamuxStream
{
    private const int MinReceiveBuffer = 4 * 1024;

    private YamuxHalfState _receiveState;

    // The ring: _ringCount bytes from _ringHead, wrapping.
    private byte[]? _ring;
    private int _ringHead;
    private int _ringCount;
    private int _ringSize = MinReceiveBuffer; // what to rent next time: the largest size the stream needed so far
    private bool _filling; // the read loop is writing a region after the ring's data, outside the lock
    private bool _fillingReader; // the read loop is writing into the pending read's buffer (synchronously), outside the lock
    private bool _readCompletionDeferred; // the pending read was completed meanwhile: done when the fill ends
    private Exception? _deferredReadError;

    // Flow control: the window we grant, the bytes the peer may still send, what was consumed since the last update.
    private int _receiveWindow;
    private long _receiveCredit;
    private int _consumedUnacked;
    private long _lastWindowUpdateTimestamp;

    // The application's pending read.
    private readonly ReusableValueTaskSource<int> _readOp = new();
    private Memory<byte> _pendingRead;
    private CancellationTokenRegistration _readRegistration;
    private CancellationToken _readToken;

    /// <summary>Whether the receive ring is rented right now (tests: an idle stream must hold none).</summary>
    internal bool HoldsReceiveBuffer { get { lock (SyncRoot) return _ring is not null; } }

    /// <summary>Payload bytes that went straight into the application's pending reads, not through the ring (tests and diagnostics).</summary>
    internal long BytesReadDirectly { get { lock (SyncRoot) return _bytesReadDirectly; } }

    private long _bytesReadDirectly;

    /// <summary>The current receive window (tests and diagnostics).</summary>
    internal int ReceiveWindow { get { lock (SyncRoot) return _receiveWindow; } }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (SyncRoot)
        {
            if (_readOp.IsPending) throw new InvalidOperationException("A read is already in progress on this stream.");
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A zero-byte read returns at once when data is buffered, else waits below like any read; the
            // completion then copies nothing and reports 0.
            if (_ringCount > 0)
            {
                int n = CopyOutLocked(buffer.Span);
                OnConsumedLocked(n);
                return new ValueTask<int>(n);
            }
            switch (_receiveState)
            {
                case YamuxHalfState.Closed:
                    ReleaseRingLocked();
                    return new ValueTask<int>(0);
                case YamuxHalfState.Reset or YamuxHalfState.SessionEnded:
                    ExceptionDispatchInfo.Throw(_error!); // stored: keep where it first happened
                    break;
            }
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
        if (_fillingReader)
        {
            // The read loop is writing into this read's buffer (a few microseconds, never a wait on the network):
            // the caller gets it back when that ends (EndReaderFillLocked), with the bytes, or else with this.
            if (!_readCompletionDeferred || error is not null) _deferredReadError = error;
            _readCompletionDeferred = true;
            return;
        }
        _readRegistration.Unregister();
        _readRegistration = default;
        _readToken = default;
        _pendingRead = default;
        if (error is null) _readOp.TrySetResult(result);
        else _readOp.TrySetException(error);
    }

    /// <summary>
    /// Called by the read loop for a data frame of <paramref name="length"/> bytes: checks the window and takes the
    /// credit. False if the payload is to be discarded. Otherwise, when the application waits for data and none is
    /// buffered, <paramref name="reader"/> is (the start of) its buffer, for what the connection holds already
    /// (<see cref="EndReaderFillLocked"/> follows); the rest goes through <see cref="TryClaimRingLocked"/>. A window
    /// overrun resets the stream and is a protocol error for the session (as js does).
    /// </summary>
    internal bool TryBeginReceiveLocked(uint length, out Memory<byte> reader)
    {
        reader = default;
        if (length > _receiveCredit)
        {
            long credit = _receiveCredit;
            ResetLocked(new YamuxStreamResetException("The peer overran the receive window; the stream was reset."), sendRst: true);
            throw new YamuxProtocolException($"Stream {Id}: the peer sent {length} bytes with only {credit} bytes of window.");
        }
        if (_receiveState == YamuxHalfState.Closed) throw new YamuxProtocolException($"Stream {Id}: data after FIN.");
        _receiveCredit -= length;
        if (_receiveState != YamuxHalfState.Open || _disposed) return false;
        if (_ringCount == 0 && _readOp.IsPending && !_pendingRead.IsEmpty)
        {
            reader = _pendingRead[..(int)Math.Min(length, (uint)_pendingRead.Length)];
            _fillingReader = true;
        }
        return true;
    }

    /// <summary>The read loop put <paramref name="count"/> bytes (maybe none) into the pending read's buffer.</summary>
    internal void EndReaderFillLocked(int count)
    {
        _fillingReader = false;
        bool deferred = _readCompletionDeferred;
        var error = _deferredReadError;
        _readCompletionDeferred = false;
        _deferredReadError = null;
        if (count > 0 && _receiveState != YamuxHalfState.Reset && !_disposed)
        {
            // The bytes are the read's result; a cancellation or the session's end that raced them loses (bytes in
            // the ring are also still read after the session ended).
            _bytesReadDirectly += count;
            OnConsumedLocked(count);
            CompleteReadLocked(count, null);
        }
        else if (deferred)
        {
            CompleteReadLocked(0, error);
        }
    }

    /// <summary>
    /// The ring region(s) for <paramref name="size"/> payload bytes (credit already taken), or false if they are to be
    /// discarded (the stream was reset or disposed meanwhile, or it is reset now because the memory budget cannot pay
    /// for the ring).
    /// </summary>
    internal bool TryClaimRingLocked(int size, out Memory<byte> first, out Memory<byte> second)
    {
        first = second = default;
        if (_receiveState == YamuxHalfState.Reset || _disposed) return false;
        if (!EnsureRingCapacityLocked(_ringCount + size))
        {
            // Within the window we granted, but the memory budget (this connection's, peer's, address's or node's)
            // has no room: the stream is reset and the payload dropped; the session goes on.
            ResetLocked(new YamuxStreamResetException("The memory budget has no room for this stream's data; the stream was reset."), sendRst: !_removed);
            return false;
        }
        int capacity = _ring!.Length;
        int tail = (_ringHead + _ringCount) % capacity;
        int firstLength = Math.Min(size, capacity - tail);
        first = _ring.AsMemory(tail, firstLength);
        if (firstLength < size) second = _ring.AsMemory(0, size - firstLength);
        _filling = true;
        return true;
    }

    /// <summary>Called by the read loop once the payload is in the ring (<paramref name="received"/>), or failed to arrive.</summary>
    internal void EndReceiveLocked(int length, bool received)
    {
        _filling = false;
        if (_receiveState == YamuxHalfState.Reset || _disposed)
        {
            DropReceivedLocked(); // the ring was kept for us while we wrote into it
            return;
        }
        if (!received)
        {
            // The session is ending (the connection failed or was shut down inside the payload): if it already
            // terminated this stream, it kept the ring for us; give it back (and the memory reserved for it) now.
            if (_ringCount == 0) ReleaseRingLocked();
            return;
        }
        _ringCount += length;
        if (_readOp.IsPending)
        {
            int n = CopyOutLocked(_pendingRead.Span);
            OnConsumedLocked(n);
            CompleteReadLocked(n, null);
        }
    }

    private void OnRemoteFinLocked()
    {
        if (_receiveState != YamuxHalfState.Open) return;
        _receiveState = YamuxHalfState.Closed;
        if (_readOp.IsPending) CompleteReadLocked(0, null); // a pending read means nothing is buffered
        RemoveIfClosedLocked();
    }

    private int CopyOutLocked(Span<byte> destination)
    {
        var ring = _ring!;
        int n = Math.Min(destination.Length, _ringCount);
        int first = Math.Min(n, ring.Length - _ringHead);
        ring.AsSpan(_ringHead, first).CopyTo(destination);
        ring.AsSpan(0, n - first).CopyTo(destination[first..]);
        _ringHead = (_ringHead + n) % ring.Length;
        _ringCount -= n;
        // Drained: back to the pool (the next payload rents again). Not while the read loop is filling the region
        // after the data: it was handed out relative to this head.
        if (_ringCount == 0) ReleaseRingLocked();
        return n;
    }

    /// <summary>
    /// Returns credit once half the window has been consumed (hysteresis: one update per half window). If that
    /// half window was consumed within two round trips, the window is too small for the path's bandwidth-delay
    /// product: it doubles, up to MaxWindowSize (the auto-tuning of go-yamux and rust-yamux).
    /// </summary>
    private void OnConsumedLocked(int consumed)
    {
        if (_receiveState != YamuxHalfState.Open) return;
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
            // Grows only if the memory budget can pay for the larger window; else the window stays (slower, not broken).
            if (TryReserveUpToLocked(Math.Max(_ring?.Length ?? 0, WindowBeyondSpec + growth), required: false))
            {
                _receiveWindow += growth;
                delta += (uint)growth;
            }
        }
        _lastWindowUpdateTimestamp = now;
        _consumedUnacked = 0;
        _receiveCredit += delta;
        _session.EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.None, Id, delta));
    }

    /// <summary>False when the memory budget cannot pay for the ring (nothing changed then).</summary>
    private bool EnsureRingCapacityLocked(int needed)
    {
        if (_ring is not null && _ring.Length >= needed) return true;
        // needed <= window <= MaxWindowSize (1 GiB at most), so this cannot overflow.
        int fits = (int)Math.Max(MinReceiveBuffer, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)needed));
        int size = Math.Max(_ringSize, fits);
        // The ring's size is reserved before it is rented (with the window beyond 256 KiB, already reserved): the
        // size this stream needed before if the budget has room, else just what this payload needs.
        if (!TryReserveUpToLocked(Math.Max(size, WindowBeyondSpec), required: size == fits))
        {
            if (size == fits || !TryReserveUpToLocked(Math.Max(fits, WindowBeyondSpec), required: true)) return false;
            size = fits;
        }
        _ringSize = Math.Max(_ringSize, size);
        var grown = ArrayPool<byte>.Shared.Rent(size);
        int count = _ringCount;
        if (_ring is { } old)
        {
            // Linearise (not through CopyOutLocked, which would hand the drained ring back to the pool).
            int first = Math.Min(count, old.Length - _ringHead);
            old.AsSpan(_ringHead, first).CopyTo(grown);
            old.AsSpan(0, count - first).CopyTo(grown.AsSpan(first));
            ArrayPool<byte>.Shared.Return(old);
        }
        _ring = grown;
        _ringHead = 0;
        _ringCount = count;
        return true;
    }

    /// <summary>Forgets what was received (reset, dispose) and gives the ring back unless the read loop is filling it.</summary>
    private void DropReceivedLocked()
    {
        _ringCount = 0;
        ReleaseRingLocked();
    }

    private void ReleaseRingLocked()
    {
        if (_ring is null || _filling || _ringCount > 0) return;
        ArrayPool<byte>.Shared.Return(_ring);
        _ring = null;
        _ringHead = 0;
        ReleaseDownToLocked(WindowBeyondSpec);
        CloseResourcesIfDoneLocked();
    }
}
