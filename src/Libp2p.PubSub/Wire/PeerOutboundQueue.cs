using System.Buffers;
using Libp2p.Core;
using Libp2p.Host.Resources;
using Libp2p.PubSub.Pb;
using Libp2p.PubSub.Routing;

namespace Libp2p.PubSub.Wire;

/// <summary>
/// What we have to send one peer, and the loop that writes it to the peer's stream. Two lanes: control frames
/// (subscriptions, GRAFT/PRUNE/IHAVE/IWANT/IDONTWANT) go first and are bounded by count — past the bound the peer
/// is broken and its stream is reset; messages are bounded by bytes — past the bound a message is refused and the
/// router treats the peer as slow (prunes it). Frames are encoded when queued, so the caller's objects can be reused.
/// Frames queued before the stream is open wait (within the same bounds). Every queued frame's bytes are reserved in
/// <c>memory</c> (the peer's connection scope: charged to the connection, the peer, its address and the node) and
/// released when the frame leaves the queue for the stream, or when the queue is closed: a message that does not fit
/// is refused like one past the byte bound (the peer is treated as slow), a control frame is dropped.
/// </summary>
internal sealed class PeerOutboundQueue : IPeerOutbound
{
    private const int CoalesceBytes = 64 * 1024;
    private readonly Lock _lock = new();
    private readonly Queue<byte[]> _control = new();
    private readonly Queue<byte[]> _data = new();
    private readonly int _maxDataBytes;
    private readonly int _maxControlFrames;
    private readonly int _maxFrameSize;
    private readonly IResourceScope? _memory;
    private long _dataBytes;
    private long _reserved;
    private TaskCompletionSource? _wake;
    private bool _closed;
    private bool _completing;

    private readonly PubSubStats? _stats;

    public PeerOutboundQueue(int maxDataBytes, int maxControlFrames, int maxFrameSize, PubSubStats? stats = null, IResourceScope? memory = null)
    {
        _stats = stats;
        _memory = memory;
        _maxDataBytes = maxDataBytes;
        _maxControlFrames = maxControlFrames;
        _maxFrameSize = maxFrameSize;
    }

    /// <summary>Raised (outside the lock) when the control lane overflowed: the owner resets the peer's stream.</summary>
    public Action? Overflowed { get; set; }

    /// <summary>Bytes of messages waiting.</summary>
    public long QueuedBytes { get { lock (_lock) return _dataBytes; } }

    /// <summary>Bytes reserved in the resource manager for the frames waiting now.</summary>
    public long ReservedMemory { get { lock (_lock) return _reserved; } }

    /// <summary>Nothing is waiting and nothing is being written.</summary>
    public bool IsEmpty { get { lock (_lock) return _control.Count == 0 && _data.Count == 0 && !_writing; } }

    private bool _writing;

    /// <summary>Messages refused because the peer was too slow.</summary>
    public long Dropped;

    /// <summary>Bytes written to the stream.</summary>
    public long BytesSent;

    public bool TrySendControl(RPC rpc)
    {
        var frame = RpcFrames.Encode(rpc);
        if (frame.Length > _maxFrameSize) return false; // never happens within our own limits; refused rather than split
        bool overflow = false;
        lock (_lock)
        {
            if (_closed || _completing) return false;
            if (_control.Count >= _maxControlFrames) overflow = true;
            else
            {
                if (!TryReserveLocked(frame.Length)) return false; // the node cannot hold it: dropped, the peer stays
                _control.Enqueue(frame);
                WakeLocked();
            }
        }
        if (overflow) Overflowed?.Invoke();
        return !overflow;
    }

    public bool TrySendMessage(PubSubMessage message)
    {
        int size = RpcFrames.MessageFrameSize(message.Wire.Length);
        lock (_lock)
        {
            if (_closed || _completing) return false;
            if (_dataBytes + size > _maxDataBytes || !TryReserveLocked(size))
            {
                Dropped++;
                return false;
            }
            _dataBytes += size;
        }
        var frame = RpcFrames.EncodeMessage(message.Wire);
        lock (_lock)
        {
            // Close ran between the two locks: it reset the counts and released everything reserved, this frame's too.
            if (_closed) return false;
            _data.Enqueue(frame);
            WakeLocked();
        }
        return true;
    }

    private bool TryReserveLocked(long bytes)
    {
        if (_memory is not null && !_memory.TryReserveMemory(bytes)) return false;
        _reserved += bytes;
        return true;
    }

    private void ReleaseLocked(long bytes)
    {
        _reserved -= bytes;
        _memory?.ReleaseMemory(bytes);
    }

    private void WakeLocked()
    {
        var wake = _wake;
        _wake = null;
        wake?.TrySetResult();
    }

    /// <summary>Stops accepting frames; the write loop ends once what is queued has been written.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completing = true;
            WakeLocked();
        }
    }

    /// <summary>Stops accepting frames and ends the write loop; queued frames are dropped.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            _control.Clear();
            _data.Clear();
            _dataBytes = 0;
            ReleaseLocked(_reserved);
            WakeLocked();
        }
    }

    /// <summary>Writes queued frames to <paramref name="stream"/> until <see cref="Close"/> or a write fails (which throws).</summary>
    public async Task RunAsync(IDuplexStream stream, CancellationToken ct)
    {
        var batch = new List<byte[]>();
        while (true)
        {
            Task? wait = null;
            lock (_lock)
            {
                if (_closed) return;
                long bytes = 0;
                while (bytes < CoalesceBytes && _control.TryDequeue(out var f)) { batch.Add(f); bytes += f.Length; }
                while (bytes < CoalesceBytes && _data.TryDequeue(out var f)) { batch.Add(f); bytes += f.Length; _dataBytes -= f.Length; }
                // Out of the queue: the batch in flight is bounded by CoalesceBytes, not charged.
                if (bytes > 0) ReleaseLocked(bytes);
                _writing = batch.Count > 0;
                if (batch.Count == 0 && _completing) return;
                if (batch.Count == 0)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _wake.Task;
                }
            }
            if (wait is not null)
            {
                await wait.WaitAsync(ct).ConfigureAwait(false);
                continue;
            }
            await WriteBatchAsync(stream, batch, ct).ConfigureAwait(false);
            batch.Clear();
        }
    }

    private void Sent(long bytes)
    {
        Interlocked.Add(ref BytesSent, bytes);
        if (_stats is not null) Interlocked.Add(ref _stats._bytesSent, bytes);
    }

    private async ValueTask WriteBatchAsync(IDuplexStream stream, List<byte[]> batch, CancellationToken ct)
    {
        if (batch.Count == 1)
        {
            await stream.WriteAsync(batch[0], ct).ConfigureAwait(false);
            Sent(batch[0].Length);
            return;
        }
        int total = 0;
        foreach (var f in batch) total += f.Length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(total);
        int offset = 0;
        foreach (var f in batch)
        {
            f.CopyTo(buffer, offset);
            offset += f.Length;
        }
        await stream.WriteAsync(buffer.AsMemory(0, total), ct).ConfigureAwait(false);
        Sent(total);
        ArrayPool<byte>.Shared.Return(buffer); // only after a completed write: a failed one may still hold it
    }
}
