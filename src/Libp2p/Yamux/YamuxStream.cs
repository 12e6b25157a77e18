using Libp2p.Core;

namespace Libp2p.Yamux;

/// <summary>
/// One Yamux stream: the same duplex shape as a connection. A write completes once its last byte has been
/// framed for the connection, and waits while the peer's window is exhausted (backpressure); a read hands
/// back buffered bytes and returns window credit as they are consumed.
/// </summary>
/// <remarks>
/// State, all guarded by the session lock (see <see cref="YamuxSession"/> for the locking story): the opening
/// handshake (<see cref="YamuxStreamOpening"/>), and one <see cref="YamuxHalfState"/> per direction, each kept with
/// the code that uses it: this file holds the identity and the lifecycle (reset, dispose, session end),
/// Send the send half, Receive the receive half.
/// </remarks>
internal sealed partial class YamuxStream : IDuplexStream
{
    private readonly YamuxSession _session;
    private YamuxStreamOpening _opening;
    private bool _disposed; // the application let go of it (operations throw ObjectDisposedException)
    private bool _removed;  // it left the session's table (both halves ended, or the session ended)
    private Exception? _error; // why a half is Reset or SessionEnded

    internal YamuxStream(YamuxSession session, uint id, bool isOutbound, IYamuxStreamResources? resources = null)
    {
        _session = session;
        _resources = resources;
        Id = id;
        IsOutbound = isOutbound;
        _opening = isOutbound ? YamuxStreamOpening.SynSent : YamuxStreamOpening.SynReceived;
        _receiveWindow = session.Options.InitialWindowSize;
        _receiveCredit = _receiveWindow;
        _lastWindowUpdateTimestamp = session.Time.GetTimestamp();
    }

    public uint Id { get; }

    /// <summary>True if we opened the stream, false if the peer did.</summary>
    public bool IsOutbound { get; }

    private Lock SyncRoot => _session.SyncRoot;

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
            var disposed = new ObjectDisposedException(nameof(YamuxStream));
            if (_sendState == YamuxHalfState.Open)
            {
                if (_writeOp.IsPending) CompleteWriteLocked(disposed);
                SendFinLocked();
            }
            _disposed = true;
            if (_writeOp.IsPending) CompleteWriteLocked(disposed);
            if (_readOp.IsPending) CompleteReadLocked(0, disposed);
            DropReceivedLocked();
        }
        return default;
    }

    /// <summary>
    /// Applies the flags and window delta of a frame for this stream, after its payload if it had one
    /// (a FIN on a data frame ends the data).
    /// </summary>
    internal void OnFrameLocked(YamuxHeader header)
    {
        if ((header.Flags & YamuxFlags.Ack) != 0 && _opening == YamuxStreamOpening.SynSent)
            _opening = YamuxStreamOpening.Established;
        if (header.Type == YamuxFrameType.WindowUpdate && header.Length > 0) OnWindowUpdateLocked(header.Length);
        if ((header.Flags & YamuxFlags.Fin) != 0) OnRemoteFinLocked();
        if ((header.Flags & YamuxFlags.Rst) != 0)
            ResetLocked(new YamuxStreamResetException("The stream was reset by the peer."), sendRst: false);
    }

    /// <summary>True once, for an inbound stream that has not been ACKed and is still usable.</summary>
    internal bool NeedsAckLocked()
    {
        if (_opening != YamuxStreamOpening.SynReceived || _sendState == YamuxHalfState.Reset) return false;
        _opening = YamuxStreamOpening.Established;
        return true;
    }

    /// <summary>Both halves fail at once; buffered bytes are dropped; the stream leaves the session.</summary>
    private void ResetLocked(Exception error, bool sendRst)
    {
        if (_sendState == YamuxHalfState.Reset) return; // both halves are reset together
        _error = error;
        _sendState = YamuxHalfState.Reset;
        _receiveState = YamuxHalfState.Reset;
        if (sendRst) _session.EnqueueControl(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, Id, 0));
        if (_writeOp.IsPending) CompleteWriteLocked(error);
        if (_readOp.IsPending) CompleteReadLocked(0, error);
        DropReceivedLocked();
        RemoveLocked();
    }

    /// <summary>The session ended: open halves fail with <paramref name="closed"/>, but what was received is still read.</summary>
    internal void OnSessionTerminatedLocked(Exception closed)
    {
        _removed = true; // the session dropped its table
        if (_sendState == YamuxHalfState.Reset) return;
        _error ??= closed;
        if (_sendState == YamuxHalfState.Open) _sendState = YamuxHalfState.SessionEnded;
        if (_receiveState == YamuxHalfState.Open) _receiveState = YamuxHalfState.SessionEnded;
        if (_writeOp.IsPending) CompleteWriteLocked(closed);
        // A pending read means nothing is buffered: EOF if the peer had finished, else the session's error.
        if (_readOp.IsPending) CompleteReadLocked(0, _receiveState == YamuxHalfState.Closed ? null : closed);
        if (_ringCount == 0) ReleaseRingLocked();
        CloseResourcesIfDoneLocked();
    }

    private void RemoveIfClosedLocked()
    {
        if (_sendState != YamuxHalfState.Open && _receiveState != YamuxHalfState.Open) RemoveLocked();
    }

    private void RemoveLocked()
    {
        if (_removed) return;
        _removed = true;
        _session.RemoveStreamLocked(this);
        CloseResourcesIfDoneLocked();
    }
}
