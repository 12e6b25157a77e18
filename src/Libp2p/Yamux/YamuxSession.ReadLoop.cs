using System.Buffers;
using System.Runtime.CompilerServices;
using Libp2p.Core;

namespace Libp2p.Yamux;

// The read loop: parses frames from the connection through one pooled input buffer and dispatches them.
// Data payloads go straight to their destination (YamuxStream.Receive): the application's pending read for what is
// here already, else the stream's ring, read from the connection directly into place when large (so Noise decrypts
// into it); so a payload is never staged twice.
// The input buffer is rented only while it holds bytes: between frames with nothing buffered the loop waits
// with a zero-byte read (IDuplexStream's contract), so an idle session holds no input buffer.
internal sealed partial class YamuxSession
{
    private const int InputBufferSize = 64 * 1024;
    private byte[] _input = [];
    private int _inputStart;
    private int _inputCount;

    private async Task ReadLoopAsync()
    {
        Exception? error = null;
        YamuxGoAwayCode? goAway = null;
        try
        {
            while (!Volatile.Read(ref _terminated))
            {
                if (_inputCount == 0)
                {
                    ReturnReadBuffers();
                    await _connection.ReadAsync(Memory<byte>.Empty, _shutdown.Token).ConfigureAwait(false);
                }
                if (!await FillInputAsync(YamuxHeader.Size).ConfigureAwait(false))
                {
                    if (_inputCount != 0) throw new YamuxProtocolException("The connection ended inside a frame header.");
                    break; // EOF: the peer closed its side
                }
                var header = YamuxHeader.Read(_input.AsSpan(_inputStart, YamuxHeader.Size));
                _inputStart += YamuxHeader.Size;
                _inputCount -= YamuxHeader.Size;
                await HandleFrameAsync(header).ConfigureAwait(false);
                Task? backpressure;
                lock (SyncRoot) backpressure = ControlBackpressureLocked();
                if (backpressure is not null) await backpressure.ConfigureAwait(false);
            }
        }
        catch (YamuxProtocolException ex)
        {
            error = ex;
            goAway = YamuxGoAwayCode.ProtocolError;
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // terminated elsewhere (dispose, write failure, GoAway error)
        }
        catch (Exception ex)
        {
            error = ex;
            goAway = YamuxGoAwayCode.InternalError;
        }
        Terminate(error, goAway);
    }

    /// <summary>Whether the read loop holds its input buffer right now (tests: an idle session must hold none).</summary>
    internal bool HoldsInputBuffer => _input.Length != 0;

    private void EnsureInputBuffer()
    {
        if (_input.Length == 0) _input = ArrayPool<byte>.Shared.Rent(InputBufferSize);
    }

    private void ReturnReadBuffers()
    {
        var input = _input;
        _input = [];
        _inputStart = 0;
        if (input.Length > 0) ArrayPool<byte>.Shared.Return(input);
    }

    private ValueTask HandleFrameAsync(YamuxHeader header)
    {
        switch (header.Type)
        {
            case YamuxFrameType.Ping:
                if (header.StreamId != 0) throw new YamuxProtocolException($"Ping on stream {header.StreamId} (must be 0).");
                lock (SyncRoot) HandlePingLocked(header);
                return default;
            case YamuxFrameType.GoAway:
                if (header.StreamId != 0) throw new YamuxProtocolException($"GoAway on stream {header.StreamId} (must be 0).");
                lock (SyncRoot) HandleRemoteGoAwayLocked(header.Length);
                return default;
            default:
                if (header.StreamId == 0) throw new YamuxProtocolException($"{header.Type} frame on stream 0.");
                return HandleStreamFrameAsync(header);
        }
    }

    private void HandlePingLocked(YamuxHeader header)
    {
        if ((header.Flags & YamuxFlags.Syn) != 0)
            EnqueueControlFromPeerLocked(new YamuxHeader(YamuxFrameType.Ping, YamuxFlags.Ack, 0, header.Length));
        else if ((header.Flags & YamuxFlags.Ack) != 0)
            OnPongLocked(header.Length);
        else
            throw new YamuxProtocolException("Ping without SYN or ACK.");
    }

    private void HandleRemoteGoAwayLocked(uint code)
    {
        var reason = (YamuxGoAwayCode)code;
        _remoteGoAway ??= reason;
        if (reason != YamuxGoAwayCode.Normal)
        {
            // go-yamux ends the session on an error GoAway; so do we. (js resets its streams on any GoAway.)
            TerminateLocked(new YamuxSessionClosedException($"The peer closed the session with GoAway ({reason})."), null);
            return;
        }
        // Normal: the peer opens nothing new; live streams finish, then we close (see RemoveStreamLocked).
        if (_acceptQueue.Count == 0) FailAcceptWaitersLocked();
        if (_streams.Count == 0) SignalPumpLocked();
    }

    /// <summary>
    /// A frame for a stream. A data frame takes the lock twice (find the stream, take the credit and claim the
    /// payload's destination; then account for it and apply the flags), three times when part of it went straight to
    /// the application's pending read and the rest to the ring; any other frame once.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask HandleStreamFrameAsync(YamuxHeader header)
    {
        YamuxStream? stream;
        Memory<byte> reader = default, first = default, second = default;
        bool claimed = false;
        int remaining = (int)header.Length;
        bool hasPayload = header.Type == YamuxFrameType.Data && header.Length > 0;
        lock (SyncRoot)
        {
            stream = ResolveStreamLocked(header);
            if (stream is not null)
            {
                if (!hasPayload) stream.OnFrameLocked(header);
                else if (stream.TryBeginReceiveLocked(header.Length, out reader) && reader.IsEmpty)
                    claimed = stream.TryClaimRingLocked(remaining, out first, out second);
            }
        }
        if (!hasPayload) return;
        if (!reader.IsEmpty)
        {
            // Synchronously, what is here already: the input buffer, then what the connection holds.
            int n = TakeBuffered(reader.Span);
            if (n < reader.Length && _connection is IBufferedReader buffered)
            {
                try { n += buffered.ReadBuffered(reader.Span[n..]); }
                catch { lock (SyncRoot) stream!.EndReaderFillLocked(0); throw; }
            }
            remaining -= n;
            lock (SyncRoot)
            {
                stream!.EndReaderFillLocked(n);
                if (remaining == 0) stream.OnFrameLocked(header);
                else claimed = stream.TryClaimRingLocked(remaining, out first, out second);
            }
            if (remaining == 0) return;
        }
        if (!claimed)
        {
            await SkipInputAsync((uint)remaining).ConfigureAwait(false);
            if (stream is not null)
            {
                lock (SyncRoot) stream.OnFrameLocked(header);
            }
            return;
        }
        bool received = false;
        try
        {
            await ReadPayloadAsync(first).ConfigureAwait(false);
            if (!second.IsEmpty) await ReadPayloadAsync(second).ConfigureAwait(false);
            received = true;
        }
        finally
        {
            lock (SyncRoot)
            {
                stream!.EndReceiveLocked(remaining, received);
                if (received) stream.OnFrameLocked(header);
            }
        }
    }

    /// <summary>
    /// Finds the stream a frame is for, creating it on SYN. Returns null when the frame is to be ignored.
    /// Unknown ids: a SYN with our parity, or reusing an id at or below the highest the peer opened, is a protocol
    /// error. A frame without SYN for an id that was opened before (by either side) and is gone now is ignored,
    /// data drained (frames in flight when we reset or closed it; go-yamux and js do the same). A frame without SYN
    /// for an id never opened is a protocol error: the spec requires SYN on a stream's first frame.
    /// </summary>
    private YamuxStream? ResolveStreamLocked(YamuxHeader header)
    {
        uint id = header.StreamId;
        if (_streams.TryGetValue(id, out var stream))
            return stream; // a repeated SYN on a live stream is ignored, as js does

        bool remoteId = IsRemoteId(id);
        if ((header.Flags & YamuxFlags.Syn) != 0)
        {
            if (!remoteId)
                throw new YamuxProtocolException($"The peer opened stream {id}, an id of our parity.");
            if (id <= _highestInboundId)
                throw new YamuxProtocolException($"The peer reused stream id {id}.");
            _highestInboundId = id;
            if (_terminated) return null;
            if (_localGoAway is not null || _remoteGoAway is not null
                || _acceptQueue.Count >= _options.MaxUnacknowledgedInboundStreams
                || _streams.Count >= _options.MaxStreams)
            {
                EnqueueControlFromPeerLocked(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, id, 0));
                return null;
            }
            var scope = _resources?.TryOpenStream(inbound: true);
            if (_resources is not null && scope is null)
            {
                // Refused by the resource manager (it counted and logged it): the peer sees RST, the session goes on.
                EnqueueControlFromPeerLocked(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, id, 0));
                return null;
            }
            stream = new YamuxStream(this, id, isOutbound: false, scope);
            if (!stream.TryReserveInitialWindowLocked())
            {
                EnqueueControlFromPeerLocked(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, id, 0));
                return null;
            }
            _streams.Add(id, stream);
            if (!TryHandOverLocked(stream)) _acceptQueue.Enqueue(stream);
            return stream;
        }

        if (remoteId ? id <= _highestInboundId : id < _nextStreamId)
            return null;
        throw new YamuxProtocolException($"Frame for stream {id}, which was never opened.");
    }

    /// <summary>Buffers until at least <paramref name="count"/> bytes are in the input buffer; false at EOF.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillInputAsync(int count)
    {
        if (_inputCount == 0) _inputStart = 0;
        EnsureInputBuffer();
        while (_inputCount < count)
        {
            if (_inputStart + count > _input.Length)
            {
                Buffer.BlockCopy(_input, _inputStart, _input, 0, _inputCount);
                _inputStart = 0;
            }
            int n = await _connection.ReadAsync(_input.AsMemory(_inputStart + _inputCount), _shutdown.Token).ConfigureAwait(false);
            if (n == 0) return false;
            _inputCount += n;
        }
        return true;
    }

    /// <summary>Fills <paramref name="destination"/> with payload: buffered bytes first, then large reads go straight in.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadPayloadAsync(Memory<byte> destination)
    {
        destination = destination[TakeBuffered(destination.Span)..];
        while (!destination.IsEmpty)
        {
            _inputStart = 0;
            if (destination.Length >= InputBufferSize / 2)
            {
                int n = await _connection.ReadAsync(destination, _shutdown.Token).ConfigureAwait(false);
                if (n == 0) throw new YamuxProtocolException("The connection ended inside a frame.");
                destination = destination[n..];
            }
            else
            {
                EnsureInputBuffer();
                int n = await _connection.ReadAsync(_input, _shutdown.Token).ConfigureAwait(false);
                if (n == 0) throw new YamuxProtocolException("The connection ended inside a frame.");
                _inputCount = n;
                destination = destination[TakeBuffered(destination.Span)..];
            }
        }
    }

    private int TakeBuffered(Span<byte> destination)
    {
        int take = Math.Min(_inputCount, destination.Length);
        _input.AsSpan(_inputStart, take).CopyTo(destination);
        _inputStart += take;
        _inputCount -= take;
        return take;
    }

    /// <summary>Drains a payload nobody wants, through the input buffer (no allocation, any length).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SkipInputAsync(uint length)
    {
        long remaining = length;
        while (true)
        {
            int take = (int)Math.Min(_inputCount, remaining);
            _inputStart += take;
            _inputCount -= take;
            remaining -= take;
            if (remaining == 0) return;
            _inputStart = 0;
            EnsureInputBuffer();
            int n = await _connection.ReadAsync(_input, _shutdown.Token).ConfigureAwait(false);
            if (n == 0) throw new YamuxProtocolException("The connection ended inside a frame.");
            _inputCount = n;
        }
    }
}
