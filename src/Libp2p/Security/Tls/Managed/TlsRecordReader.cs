using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Libp2p.Core;

namespace Libp2p.Security.Tls.Managed;

/// <summary>
/// Cuts the bytes of the connection below into whole TLS records, so that BouncyCastle is always offered exactly one
/// record: it then decrypts it straight from our buffer (its fast path) instead of copying input into queues of its
/// own, and it never holds more than one record's plaintext (at most 2^14 bytes) that we have not taken.
/// The buffer is pooled and held only while it holds bytes: an idle connection keeps none (it waits for data with a
/// zero-byte read of the connection before it rents). A record longer than TLS 1.3 allows is handed over as its
/// header alone, so that BouncyCastle refuses it with a record_overflow alert before we wait for its body.
/// </summary>
internal sealed class TlsRecordReader(IDuplexStream inner)
{
    public const int HeaderLength = 5;

    /// <summary>RFC 8446 5.2: a TLSCiphertext fragment is at most 2^14 + 256 bytes (a TLSPlaintext one 2^14).</summary>
    public const int MaxBodyLength = (1 << 14) + 256;

    // What a burst of small records (a handshake, pings, window updates) fits in; the first large record grows it.
    private const int InitialBufferSize = 4 * 1024;
    // Several full records per read of the connection; one pool bucket.
    private const int BufferSize = 64 * 1024;

    private byte[] _buffer = [];
    private int _start, _end;       // received, not yet handed out
    private bool _innerHasData;     // a zero-byte read said data is there
    private bool _endOfStream;

    /// <summary>The buffer holding the record <see cref="NextAsync"/> returned (valid until <see cref="Consume"/>).</summary>
    public byte[] Buffer => _buffer;

    public int RecordOffset { get; private set; }

    public int RecordLength { get; private set; }

    /// <summary>Bytes are buffered that a following <see cref="NextAsync"/> hands out without waiting for a whole read.</summary>
    public bool HasBufferedBytes => _end > _start;

    /// <summary>
    /// Makes the next record available at <see cref="Buffer"/>[<see cref="RecordOffset"/>..]; false on a clean end of
    /// the stream between records. The end of the stream inside a record is an <see cref="EndOfStreamException"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> NextAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(HeaderLength, cancellationToken).ConfigureAwait(false)) return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 3));
        if (length > MaxBodyLength)
        {
            RecordOffset = _start;
            RecordLength = HeaderLength;
            return true;
        }
        if (!await FillAsync(HeaderLength + length, cancellationToken).ConfigureAwait(false))
            throw new EndOfStreamException("The connection closed inside a TLS record.");
        // Only now: filling may have moved the record to the front of the buffer, or into a larger one.
        RecordOffset = _start;
        RecordLength = HeaderLength + length;
        return true;
    }

    /// <summary>The record <see cref="NextAsync"/> returned has been used; the buffer goes back to the pool when drained.</summary>
    public void Consume()
    {
        _start = RecordOffset + RecordLength;
        RecordLength = 0;
        Release(onlyIfDrained: true);
    }

    /// <summary>Waits, holding no buffer, until a read would find bytes here or on the connection (or its end).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WaitForDataAsync(CancellationToken cancellationToken)
    {
        if (_end > _start || _endOfStream || _innerHasData) return;
        await inner.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        _innerHasData = true;
    }

    /// <summary>Gives the buffer back to the pool (when the connection is done with it).</summary>
    public void Release(bool onlyIfDrained = false)
    {
        if (_buffer.Length == 0 || (onlyIfDrained && _end > _start)) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _start = _end = 0;
    }

    /// <summary>Whether the buffer is rented right now (tests: an idle connection must hold none).</summary>
    internal bool HoldsBuffer => _buffer.Length != 0;

    /// <summary>At least <paramref name="needed"/> bytes from <c>_start</c>; false on the end of the stream with none buffered.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(int needed, CancellationToken cancellationToken)
    {
        while (_end - _start < needed)
        {
            if (_endOfStream)
            {
                if (_end == _start) return false;
                throw new EndOfStreamException("The connection closed inside a TLS record.");
            }
            if (_buffer.Length == 0)
            {
                // Nothing buffered: wait for data before renting, unless a zero-byte read just said it is there.
                if (!_innerHasData)
                    await inner.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                _buffer = ArrayPool<byte>.Shared.Rent(needed <= InitialBufferSize ? InitialBufferSize : BufferSize);
                _start = _end = 0;
            }
            else if (_buffer.Length < needed)
            {
                var grown = ArrayPool<byte>.Shared.Rent(BufferSize);
                _buffer.AsSpan(_start, _end - _start).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = grown;
                _end -= _start;
                _start = 0;
            }
            else if (_buffer.Length - _start < needed)
            {
                // A record cut by the buffer's end moves to its front (BouncyCastle needs it contiguous).
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }
            _innerHasData = false;
            int n = await inner.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (n == 0) _endOfStream = true;
            _end += n;
        }
        return true;
    }
}
