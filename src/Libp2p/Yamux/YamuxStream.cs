using System.Runtime.ExceptionServices;
using Libp2p.Core;

namespace Libp2p.Yamux;

/// <summary>
/// One Yamux stream: the same duplex shape as a connection. A write completes once its last byte has been
/// framed for the connection, and waits while the peer's window is exhausted (backpressure); a read hands
/// back buffered bytes and returns window credit as they are consumed.
/// </summary>
/// <remarks>All state is guarded by the session lock. This file: lifecycle and the send side; Receive: the read side.</remarks>
public sealed partial class YamuxStream : IDuplexStream
{
    private readonly YamuxSession _session;
    private readonly ReusableValueTaskSource<bool> _writeOp = new();

    private bool _finSent;
    private bool _finReceived;
    private bool _ackSent;
    private bool _removed;
    private bool _disposed;
    private Exception? _resetError;   // reset by either side: reads and writes fail at once
    private Exception? _sessionError; // session ended: writes fail, reads drain what was buffered first

    // The spec's initial window: the peer may have configured more, but only a WindowUpdate says so.
    private long _sendWindow = YamuxOptions.SpecInitialWindowSize;
    private ReadOnlyMemory<byte> _pendingWrite;
    private CancellationTokenRegistration _writeRegistration;
    private CancellationToken _writeToken;

    internal bool InSendQueue;
    internal YamuxStream? SendNext;

    internal YamuxStream(YamuxSession session, uint id, bool isOutbound)
    {
        _session = session;
        Id = id;
        IsOutbound = isOutbound;
        _receiveWindow = session.Options.InitialWindowSize;
        _receiveCredit = _receiveWindow;
        _lastWindowUpdateTimestamp = session.Time.GetTimestamp();
    }

    public uint Id { get; }

    /// <summary>True if we opened the stream, false if the peer did.</summary>
    public bool IsOutbound { get; }

    private Lock SyncRoot => _session.SyncRoot;

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
            if (_resetError is not null) ExceptionDispatchInfo.Throw(_resetError);
            if (_finSent) return default;
            if (_writeOp.IsPending) throw new InvalidOperationException("A write is still in progress on this stream.");
            if (_sessionError is not null) ExceptionDispatchInfo.Throw(_sessionError);
            _finSent = true;
            _session.EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Fin, Id, 0));
            RemoveIfClosedLocked();
        }
        return default;
    }

    /// <summary>Resets the stream (RST); pending and later reads and writes fail with <see cref="YamuxStreamResetException"/>.</summary>
    public void Abort(Exception? reason = null)
    {
        lock (SyncRoot)
        {
            ResetLocked(new YamuxStreamResetException("The stream was reset locally.", reason), sendRst: !_removed);
        }
    }

    /// <summary>
    /// Closes gracefully: FIN if we had not sent it. What the peer still sends is discarded without returning
    /// window credit, and the stream leaves the session when the peer's FIN arrives (or the session ends).
    /// Use <see cref="Abort"/> to reset instead. Resetting here would race the FIN we just sent: a peer
    /// still reading our last bytes (js reads identify to EOF, for one) would see a reset instead of EOF.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        lock (SyncRoot)
        {
            if (_disposed) return default;
            if (_resetError is null && _sessionError is null && !_finSent)
            {
                if (_writeOp.IsPending) CompleteWriteLocked(new ObjectDisposedException(nameof(YamuxStream)));
                _finSent = true;
                _session.EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Fin, Id, 0));
                RemoveIfClosedLocked();
            }
            _disposed = true;
            var disposed = new ObjectDisposedException(nameof(YamuxStream));
            if (_writeOp.IsPending) CompleteWriteLocked(disposed);
            if (_readOp.IsPending) CompleteReadLocked(0, disposed);
            _receiveCount = 0;
            ReleaseReceiveBufferLocked();
        }
        return default;
    }

    private void ThrowIfCannotWriteLocked()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_resetError is not null) ExceptionDispatchInfo.Throw(_resetError);
        if (_finSent) throw new InvalidOperationException("The write side of this stream is closed.");
        if (_sessionError is not null) ExceptionDispatchInfo.Throw(_sessionError);
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

    /// <summary>Applies the flags and window delta of a frame for this stream (after its payload, if any).</summary>
    internal void OnFrameLocked(YamuxHeader header)
    {
        if (header.Type == YamuxFrameType.WindowUpdate && header.Length > 0)
        {
            _sendWindow += header.Length;
            if (_sendWindow > uint.MaxValue)
                throw new YamuxProtocolException($"Stream {Id}: the peer grew our send window beyond 2^32-1.");
            if (WantsToSendLocked) _session.EnqueueSendLocked(this);
        }
        if ((header.Flags & YamuxFlags.Fin) != 0) OnRemoteFinLocked();
        if ((header.Flags & YamuxFlags.Rst) != 0)
            ResetLocked(new YamuxStreamResetException("The stream was reset by the peer."), sendRst: false);
    }

    /// <summary>True once, for an inbound stream that has not been ACKed and is still usable.</summary>
    internal bool NeedsAckLocked()
    {
        if (IsOutbound || _ackSent || _resetError is not null) return false;
        _ackSent = true;
        return true;
    }

    private void ResetLocked(Exception error, bool sendRst)
    {
        if (_resetError is not null) return;
        _resetError = error;
        if (sendRst) _session.EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, Id, 0));
        if (_writeOp.IsPending) CompleteWriteLocked(error);
        if (_readOp.IsPending) CompleteReadLocked(0, error);
        _receiveCount = 0;
        ReleaseReceiveBufferLocked();
        RemoveLocked();
    }

    internal void OnSessionTerminatedLocked(Exception closed)
    {
        _removed = true; // the session dropped its table
        if (_resetError is not null) return;
        _sessionError ??= closed;
        if (_writeOp.IsPending) CompleteWriteLocked(closed);
        if (_readOp.IsPending) CompleteReadLocked(0, _finReceived ? null : closed);
        if (_receiveCount == 0) ReleaseReceiveBufferLocked();
    }

    private void RemoveIfClosedLocked()
    {
        if (_finSent && _finReceived) RemoveLocked();
    }

    private void RemoveLocked()
    {
        if (_removed) return;
        _removed = true;
        _session.RemoveStreamLocked(this);
    }
}
