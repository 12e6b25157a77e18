using System.Buffers;
using Libp2p.Core;
using Libp2p.Multiformats;

namespace Libp2p.PubSub.Wire;

/// <summary>
/// Reads varint-length-prefixed frames from a stream. Idle, it holds no buffer (a zero-byte read waits for data, then
/// a buffer is rented); the length is checked against the bound before any room is made for the frame.
/// </summary>
internal sealed class FrameReader(IDuplexStream stream, int maxFrameSize) : IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private byte[]? _buffer;
    private int _start, _end;

    /// <summary>
    /// The next frame's payload, valid until the next call; null at a clean end of stream.
    /// </summary>
    /// <exception cref="PubSubProtocolException">The frame is too large, the prefix is malformed, or the stream ends inside a frame.</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadFrameAsync(CancellationToken ct)
    {
        while (true)
        {
            int need = TryTake(out var frame);
            if (need == 0) return frame;
            if (_buffer is null || _end == _start)
            {
                Release();
                int z = await stream.ReadAsync(Memory<byte>.Empty, ct).ConfigureAwait(false); // wait holding nothing
                _ = z;
                _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(ChunkSize, need));
                _start = _end = 0;
            }
            else
            {
                MakeRoom(need);
            }
            int n = await stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
            if (n == 0)
            {
                if (_end > _start) throw new PubSubProtocolException($"The pubsub stream ended inside a frame ({_end - _start} byte(s) of it read).");
                Release();
                return null;
            }
            _end += n;
        }
    }

    /// <summary>0 with the frame when one is complete, else the bytes needed in the buffer (prefix included) to finish it.</summary>
    private int TryTake(out ReadOnlyMemory<byte> frame)
    {
        frame = default;
        if (_buffer is null || _end == _start) return Varint.MaxLength;
        var span = _buffer.AsSpan(_start, _end - _start);
        ulong length;
        int prefix;
        try
        {
            if (!Varint.TryRead(span, out length, out prefix))
            {
                if (span.Length >= Varint.MaxLength) throw new PubSubProtocolException("Bad pubsub frame length prefix.");
                return span.Length + 1;
            }
        }
        catch (VarintFormatException e)
        {
            throw new PubSubProtocolException($"Bad pubsub frame length prefix: {e.Message}", e);
        }
        if (length > (ulong)maxFrameSize)
            throw new PubSubProtocolException($"A pubsub frame of {length} bytes exceeds the limit of {maxFrameSize}.");
        int total = prefix + (int)length;
        if (span.Length < total) return total;
        frame = _buffer.AsMemory(_start + prefix, (int)length);
        _start += total;
        return 0;
    }

    private void MakeRoom(int need)
    {
        int buffered = _end - _start;
        if (_buffer!.Length - _start >= need && _end < _buffer.Length) return;
        if (_buffer.Length >= need)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, buffered);
        }
        else
        {
            var bigger = ArrayPool<byte>.Shared.Rent(need);
            Buffer.BlockCopy(_buffer, _start, bigger, 0, buffered);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        _start = 0;
        _end = buffered;
    }

    private void Release()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _start = _end = 0;
    }

    // Only after the read loop ended (no read in flight holds the buffer).
    public void Dispose() => Release();
}
