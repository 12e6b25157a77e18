using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Libp2p.Core;
using Libp2p.Crypto;
using Libp2p.Identity;

namespace Libp2p.Noise;

/// <summary>
/// A Noise-secured connection after the handshake: transport messages framed as a 2-byte big-endian length and
/// at most 65535 bytes of ciphertext (so at most 65519 bytes of plaintext each).
/// Writes encrypt straight from the caller's memory into a pooled buffer, up to four frames of it, which leaves
/// in one inner write. Reads pull as much as the inner stream has into a receive buffer that can hold several
/// frames, and decrypt in place (or straight into the caller's buffer when the whole frame fits).
/// Both buffers are pooled and held only while they hold bytes: an idle connection keeps none (the receive side
/// waits for data with a zero-byte read of the inner stream before it rents; see <see cref="IDuplexStream.ReadAsync"/>).
/// Nothing is allocated per read or write. One reader and one writer may run concurrently.
/// </summary>
internal sealed class NoiseConnection : IDuplexStream, IBufferedReader
{
    /// <summary>The largest Noise message (ciphertext plus tag) the spec allows.</summary>
    public const int MaxFrameLength = 65535;

    /// <summary>The most plaintext one frame carries.</summary>
    public const int MaxPlaintextPerFrame = MaxFrameLength - ChaCha20Poly1305Cipher.TagSize;

    private const int LengthPrefix = 2;
    // Frames sealed into one inner write (about 256 KiB): fewer syscalls, while the batch stays a pooled buffer
    // held only during the write, so an idle connection keeps no send buffer.
    private const int MaxFramesPerWrite = 4;
    // Several frames (about 8), held only while bytes are buffered. A frame cut by the buffer's end is moved to
    // its front before the next read (the whole ciphertext must be contiguous to decrypt): with room for two frames
    // that could happen to nearly every frame, i.e. a second copy of every byte; with eight, at most about one frame
    // in seven, and each inner read can take more at once. Exactly a pool bucket.
    private const int ReceiveBufferSize = 512 * 1024;
    // What a burst starts with: small messages (pings, identify, window updates) never take the large buffer,
    // which the pool rarely has to spare when many connections start at once; the first large frame grows it.
    private const int InitialReceiveBufferSize = 4 * 1024;

    private readonly NoiseCipherState _send;
    private readonly NoiseCipherState _receive;
    private byte[] _receiveBuffer = [];   // rented while it holds bytes (or a read is filling it), else empty
    private bool _innerHasData;           // a zero-byte read of the inner stream said data is there
    private int _rawStart, _rawEnd;       // received, not yet decrypted
    private int _plainStart, _plainEnd;   // decrypted, not yet handed out
    private bool _endOfStream;
    private Exception? _readFailure;
    private Exception? _writeFailure;

    internal NoiseConnection(IDuplexStream inner, NoiseCipherState send, NoiseCipherState receive, PeerId remotePeer, PublicKey remotePublicKey, string? negotiatedMuxer)
    {
        Inner = inner;
        _send = send;
        _receive = receive;
        RemotePeer = remotePeer;
        RemotePublicKey = remotePublicKey;
        NegotiatedMuxer = negotiatedMuxer;
    }

    /// <summary>The peer id proven by the handshake.</summary>
    public PeerId RemotePeer { get; }

    /// <summary>The remote's libp2p identity key.</summary>
    public PublicKey RemotePublicKey { get; }

    /// <summary>The muxer agreed through the handshake's stream_muxers extension, or null to fall back to multistream-select.</summary>
    public string? NegotiatedMuxer { get; }

    /// <summary>The stream the frames travel on.</summary>
    public IDuplexStream Inner { get; }

    // Pooled builders: a read or write that has to wait reuses its state machine instead of allocating one.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readFailure is not null) ExceptionDispatchInfo.Throw(_readFailure);
        if (buffer.IsEmpty) return await WaitForDataAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (_plainEnd > _plainStart)
            {
                int n = Math.Min(buffer.Length, _plainEnd - _plainStart);
                _receiveBuffer.AsSpan(_plainStart, n).CopyTo(buffer.Span);
                _plainStart += n;
                ReleaseReceiveBufferIfDrained();
                return n;
            }
            if (_endOfStream) return 0;
            if (!await FillAsync(LengthPrefix, cancellationToken).ConfigureAwait(false))
            {
                ReleaseReceiveBufferIfDrained();
                return 0;
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(_receiveBuffer.AsSpan(_rawStart));
            if (length < ChaCha20Poly1305Cipher.TagSize)
                throw FailRead($"A Noise frame of {length} bytes is shorter than its authentication tag.");
            if (!await FillAsync(LengthPrefix + length, cancellationToken).ConfigureAwait(false))
                throw FailRead("The connection closed inside a Noise frame.");
            if (_receive.NonceExhausted)
                throw FailRead("The Noise receive nonce is exhausted; the connection must be replaced.");

            int bodyStart = _rawStart + LengthPrefix;
            var ciphertext = _receiveBuffer.AsSpan(bodyStart, length);
            int plainLength = length - ChaCha20Poly1305Cipher.TagSize;
            _rawStart = bodyStart + length;
            if (plainLength > 0 && plainLength <= buffer.Length)
            {
                // The whole frame fits: decrypt straight into the caller's memory, skipping a copy.
                if (!_receive.TryDecryptWithAd([], ciphertext, buffer.Span, out _))
                    throw FailRead("A Noise frame failed authentication.");
                ReleaseReceiveBufferIfDrained();
                return plainLength;
            }
            if (!_receive.TryDecryptWithAd([], ciphertext, ciphertext, out _))
                throw FailRead("A Noise frame failed authentication.");
            _plainStart = bodyStart;
            _plainEnd = bodyStart + plainLength;
            // An empty frame carries nothing; go on to the next rather than report EOF.
            ReleaseReceiveBufferIfDrained();
        }
    }

    /// <inheritdoc cref="IBufferedReader.ReadBuffered"/>
    int IBufferedReader.ReadBuffered(Span<byte> destination)
    {
        if (_readFailure is not null) return 0; // the next ReadAsync throws it
        int total = 0;
        while (!destination.IsEmpty)
        {
            if (_plainEnd > _plainStart)
            {
                int n = Math.Min(destination.Length, _plainEnd - _plainStart);
                _receiveBuffer.AsSpan(_plainStart, n).CopyTo(destination);
                _plainStart += n;
                total += n;
                destination = destination[n..];
                continue;
            }
            // Only a whole frame already here; anything unusual (short frame, exhausted nonce) is left to ReadAsync.
            if (_rawEnd - _rawStart < LengthPrefix) break;
            int length = BinaryPrimitives.ReadUInt16BigEndian(_receiveBuffer.AsSpan(_rawStart));
            if (length < ChaCha20Poly1305Cipher.TagSize || _rawEnd - _rawStart < LengthPrefix + length || _receive.NonceExhausted) break;
            int bodyStart = _rawStart + LengthPrefix;
            var ciphertext = _receiveBuffer.AsSpan(bodyStart, length);
            int plainLength = length - ChaCha20Poly1305Cipher.TagSize;
            _rawStart = bodyStart + length;
            if (plainLength <= destination.Length)
            {
                if (!_receive.TryDecryptWithAd([], ciphertext, destination, out _))
                    throw FailRead("A Noise frame failed authentication.");
                total += plainLength;
                destination = destination[plainLength..];
                continue;
            }
            if (!_receive.TryDecryptWithAd([], ciphertext, ciphertext, out _))
                throw FailRead("A Noise frame failed authentication.");
            _plainStart = bodyStart;
            _plainEnd = bodyStart + plainLength;
        }
        ReleaseReceiveBufferIfDrained();
        return total;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_writeFailure is not null) ExceptionDispatchInfo.Throw(_writeFailure);
        while (!buffer.IsEmpty)
        {
            // Several frames are sealed into one pooled buffer and leave in one inner write: a 64 KiB write is
            // 2 frames (65519 + 17), a muxer batch often 3-4, and each inner write is a syscall on TCP.
            int frames = Math.Min(MaxFramesPerWrite, (buffer.Length + MaxPlaintextPerFrame - 1) / MaxPlaintextPerFrame);
            int plain = Math.Min(buffer.Length, frames * MaxPlaintextPerFrame);
            byte[] batch = ArrayPool<byte>.Shared.Rent(plain + frames * (LengthPrefix + ChaCha20Poly1305Cipher.TagSize));
            int length = 0;
            for (int i = 0; i < frames; i++)
            {
                if (_send.NonceExhausted)
                {
                    // 2^64-1 is reserved: stop before a nonce could repeat. Frames sealed so far are dropped
                    // with the connection.
                    ArrayPool<byte>.Shared.Return(batch);
                    _writeFailure = new NoiseTransportException("The Noise send nonce is exhausted; the connection must be replaced.");
                    Inner.Abort(_writeFailure);
                    throw _writeFailure;
                }
                int chunk = Math.Min(buffer.Length, MaxPlaintextPerFrame);
                int sealedLength = _send.EncryptWithAd([], buffer.Span[..chunk], batch.AsSpan(length + LengthPrefix));
                BinaryPrimitives.WriteUInt16BigEndian(batch.AsSpan(length), (ushort)sealedLength);
                length += LengthPrefix + sealedLength;
                buffer = buffer[chunk..];
            }
            await Inner.WriteAsync(batch.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            // Not returned when the write throws: the inner stream might still hold it; the GC takes it then.
            ArrayPool<byte>.Shared.Return(batch);
        }
    }

    public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default) => Inner.CloseWriteAsync(cancellationToken);

    public void Abort(Exception? reason = null) => Inner.Abort(reason);

    public async ValueTask DisposeAsync()
    {
        await Inner.DisposeAsync().ConfigureAwait(false);
        _send.Dispose();
        _receive.Dispose();
    }

    /// <summary>Whether the receive buffer is rented right now (tests: an idle connection must hold none).</summary>
    internal bool HoldsReceiveBuffer => _receiveBuffer.Length != 0;

    /// <summary>
    /// The zero-byte read: returns at once when bytes are buffered here (plaintext, or ciphertext a real read will
    /// work on) or the stream ended; otherwise waits on a zero-byte read of the inner stream, holding no buffer.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken)
    {
        if (_plainEnd > _plainStart || _rawEnd > _rawStart || _endOfStream || _innerHasData) return 0;
        await Inner.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        _innerHasData = true; // the next fill rents and reads without waiting again
        return 0;
    }

    // Nothing left to hand out and no partial frame: give the buffer back so an idle connection holds none.
    private void ReleaseReceiveBufferIfDrained()
    {
        if (_plainEnd > _plainStart || _rawEnd > _rawStart || _receiveBuffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_receiveBuffer);
        _receiveBuffer = [];
        _rawStart = _rawEnd = _plainStart = _plainEnd = 0;
    }

    /// <summary>Test hook: moves both nonce counters, to reach exhaustion without 2^64 frames.</summary>
    internal void SetNonces(ulong send, ulong receive)
    {
        _send.Nonce = send;
        _receive.Nonce = receive;
    }

    /// <summary>
    /// Makes at least <paramref name="needed"/> undecrypted bytes available, reading as much as the inner stream
    /// offers. False on a clean EOF at a frame boundary; a truncated frame is an error.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(int needed, CancellationToken cancellationToken)
    {
        while (_rawEnd - _rawStart < needed)
        {
            // Plaintext is always fully handed out before we read more, so the buffer's front is free to reuse.
            if (_rawStart == _rawEnd)
            {
                _rawStart = _rawEnd = 0;
                if (_receiveBuffer.Length == 0)
                {
                    // Nothing buffered: wait for data before renting, so a connection that stays idle here holds
                    // no buffer. Skipped when a zero-byte read from above just said data is there.
                    if (!_innerHasData)
                        await Inner.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    _receiveBuffer = ArrayPool<byte>.Shared.Rent(needed <= InitialReceiveBufferSize ? InitialReceiveBufferSize : ReceiveBufferSize);
                }
            }
            else if (_receiveBuffer.Length < needed)
            {
                // A frame larger than the small buffer: move to the large one, bytes at its front.
                var grown = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
                _receiveBuffer.AsSpan(_rawStart, _rawEnd - _rawStart).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_receiveBuffer);
                _receiveBuffer = grown;
                _rawEnd -= _rawStart;
                _rawStart = 0;
            }
            else if (_receiveBuffer.Length - _rawStart < needed)
            {
                _receiveBuffer.AsSpan(_rawStart, _rawEnd - _rawStart).CopyTo(_receiveBuffer);
                _rawEnd -= _rawStart;
                _rawStart = 0;
            }
            _innerHasData = false;
            int n = await Inner.ReadAsync(_receiveBuffer.AsMemory(_rawEnd), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                _endOfStream = true;
                if (_rawStart == _rawEnd) return false;
                throw FailRead("The connection closed inside a Noise frame.");
            }
            _rawEnd += n;
        }
        return true;
    }

    private NoiseTransportException FailRead(string message)
    {
        var e = new NoiseTransportException(message);
        _readFailure = e;
        Inner.Abort(e);
        return e;
    }
}
