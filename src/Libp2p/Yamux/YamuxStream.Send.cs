using System.Runtime.ExceptionServices;

namespace Libp2p.Yamux;

// The send half: one pending write at a time, framed by whoever holds the session's writer role (the write pump,
// or this stream's WriteAsync itself when the pump is idle), as far as the peer's window allows. FIN is a
// header-only frame through the session's control queue, after our data.
internal sealed partial class YamuxStream
{
    private YamuxHalfState _sendState;
    // The spec's initial window: the peer may have configured more, but only a WindowUpdate says so.
    private long _sendWindow = YamuxOptions.SpecInitialWindowSize;

    private readonly ReusableValueTaskSource<bool> _writeOp = new();
    private ReadOnlyMemory<byte> _pendingWrite; // the part of the pending write not framed yet
    private CancellationTokenRegistration _writeRegistration;
    private CancellationToken _writeToken;

    // The session's round-robin of streams with bytes to send (owned by the session, under its lock).
    internal bool InSendQueue;
    internal YamuxStream? SendNext;

    /// <summary>Bytes the peer still lets us send (tests and diagnostics).</summary>
    internal long SendWindow { get { lock (SyncRoot) return _sendWindow; } }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask pending;
        bool direct = false;
        lock (SyncRoot)
        {
            if (_writeOp.IsPending) throw new InvalidOperationException("A write is already in progress on this stream.");
            ThrowIfCannotWriteLocked();
            if (buffer.IsEmpty) return default;
            if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
            _pendingWrite = buffer;
            pending = _writeOp.BeginVoid();
            if (_sendWindow > 0)
            {
                // With the pump idle we frame and write our bytes ourselves: no hop to wake it, none to complete us.
                direct = _session.TryTakeWriterLocked();
                if (direct) _session.AppendSendLocked(this);
                else _session.EnqueueSendLocked(this);
            }
            if (cancellationToken.CanBeCanceled)
            {
                _writeToken = cancellationToken;
                _writeRegistration = cancellationToken.UnsafeRegister(
                    static (state, token) => ((YamuxStream)state!).CancelWrite(token), this);
            }
        }
        if (direct) _session.WriteDirect(this);
        return pending;
    }

    /// <summary>Sends FIN: the peer reads EOF after our data. Reading goes on.</summary>
    public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        lock (SyncRoot)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            switch (_sendState)
            {
                case YamuxHalfState.Reset: ExceptionDispatchInfo.Throw(_error!); break;
                case YamuxHalfState.Closed: return default;
            }
            if (_writeOp.IsPending) throw new InvalidOperationException("A write is still in progress on this stream.");
            if (_sendState == YamuxHalfState.SessionEnded) ExceptionDispatchInfo.Throw(_error!);
            SendFinLocked();
        }
        return default;
    }

    private void SendFinLocked()
    {
        _sendState = YamuxHalfState.Closed;
        _session.EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Fin, Id, 0));
        RemoveIfClosedLocked();
    }

    private void ThrowIfCannotWriteLocked()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        switch (_sendState)
        {
            case YamuxHalfState.Closed: throw new InvalidOperationException("The write side of this stream is closed.");
            case YamuxHalfState.Reset or YamuxHalfState.SessionEnded: ExceptionDispatchInfo.Throw(_error!); break;
        }
    }

    private void CancelWrite(CancellationToken token)
    {
        lock (SyncRoot)
        {
            if (_writeOp.IsPending && _writeToken == token)
                CompleteWriteLocked(new OperationCanceledException(token));
        }
    }

    private void CompleteWriteLocked(Exception? error)
    {
        _writeRegistration.Unregister();
        _writeRegistration = default;
        _writeToken = default;
        _pendingWrite = default;
        if (error is null) _writeOp.TrySetResult(true);
        else _writeOp.TrySetException(error);
    }

    internal bool WantsToSendLocked => _writeOp.IsPending && _sendWindow > 0 && !_pendingWrite.IsEmpty;

    /// <summary>Payload bytes the next data frames could carry now (pending write within the window).</summary>
    internal long SendableBytesLocked => WantsToSendLocked ? Math.Min(_pendingWrite.Length, _sendWindow) : 0;

    /// <summary>Frames as much of the pending write as the window and <paramref name="maxPayload"/> allow; returns bytes written.</summary>
    internal int WriteDataFrameLocked(Span<byte> destination, int maxPayload)
    {
        if (!WantsToSendLocked) return 0;
        int n = (int)Math.Min(Math.Min(_pendingWrite.Length, _sendWindow), maxPayload);
        if (n <= 0) return 0;
        new YamuxHeader(YamuxFrameType.Data, YamuxFlags.None, Id, (uint)n).Write(destination);
        _pendingWrite.Span[..n].CopyTo(destination[YamuxHeader.Size..]);
        _pendingWrite = _pendingWrite[n..];
        _sendWindow -= n;
        if (_pendingWrite.IsEmpty) CompleteWriteLocked(null);
        return YamuxHeader.Size + n;
    }

    private void OnWindowUpdateLocked(uint delta)
    {
        _sendWindow += delta;
        if (_sendWindow > uint.MaxValue)
            throw new YamuxProtocolException($"Stream {Id}: the peer grew our send window beyond 2^32-1.");
        if (WantsToSendLocked) _session.EnqueueSendLocked(this);
    }
}
