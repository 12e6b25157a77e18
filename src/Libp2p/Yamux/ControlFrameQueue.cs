namespace Libp2p.Yamux;

/// <summary>
/// Header-only frames (SYN/ACK/FIN/RST window updates, pings, pongs) waiting for the write pump.
/// Bounded: a peer that keeps making us answer (pings, SYNs) while never reading our output cannot grow it
/// past <c>maxFrames</c>. Guarded by the session lock.
/// </summary>
internal sealed class ControlFrameQueue(int maxFrames)
{
    private byte[] _buffer = new byte[32 * YamuxHeader.Size];
    private int _count;

    public int Count => _count;

    public bool TryEnqueue(in YamuxHeader header)
    {
        if (_count == maxFrames) return false;
        int needed = (_count + 1) * YamuxHeader.Size;
        if (needed > _buffer.Length)
        {
            var grown = new byte[Math.Min(_buffer.Length * 2, maxFrames * YamuxHeader.Size)];
            _buffer.AsSpan(0, _count * YamuxHeader.Size).CopyTo(grown);
            _buffer = grown;
        }
        header.Write(_buffer.AsSpan(_count * YamuxHeader.Size));
        _count++;
        return true;
    }

    /// <summary>Moves as many whole frames as fit into <paramref name="destination"/>, oldest first; returns bytes copied.</summary>
    public int Drain(Span<byte> destination)
    {
        int frames = Math.Min(_count, destination.Length / YamuxHeader.Size);
        int bytes = frames * YamuxHeader.Size;
        _buffer.AsSpan(0, bytes).CopyTo(destination);
        int rest = (_count - frames) * YamuxHeader.Size;
        if (rest > 0) _buffer.AsSpan(bytes, rest).CopyTo(_buffer);
        _count -= frames;
        return bytes;
    }
}
