using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Libp2p.Core;
using Org.BouncyCastle.Tls;

namespace Libp2p.Security.Tls.Managed;

/// <summary>
/// A connection secured by the managed TLS engine after its handshake. BouncyCastle's protocol object runs in
/// non-blocking mode: reads hand it one whole record at a time (<see cref="TlsRecordReader"/>) and take the
/// plaintext it decrypted; writes give it at most one record's worth of plaintext (2^14 bytes) and send the record it
/// sealed in one write below. Nothing here waits on a thread: every wait is an await on the connection below.
/// </summary>
/// <remarks>
/// What a peer can make us hold: the reader's pooled buffer (at most 64 KiB, only while it holds bytes) and, inside
/// BouncyCastle, the plaintext of one record (2^14 bytes) until our reader takes it; a record over TLS 1.3's
/// 2^14 + 256 bytes is refused from its header. BouncyCastle keeps its own queues (about one record each way) for the
/// connection's life and allocates per record; the native engine (SslStream) does neither (docs/security.md).
/// Half-close: <see cref="CloseWriteAsync"/> sends close_notify, which ends only our direction (TLS 1.3), then
/// half-closes the connection below; the remote's close_notify is our end of stream. As with SslStream, the end of
/// the connection between two records without close_notify also reads as the end of stream; inside a record it is an error.
/// One reader and one writer may run at once; <c>_gate</c> keeps their calls into BouncyCastle apart.
/// </remarks>
internal sealed class ManagedTlsConnection : IDuplexStream
{
    /// <summary>The most plaintext one TLS record carries.</summary>
    public const int MaxPlaintextPerRecord = 1 << 14;

    private readonly TlsProtocol _protocol;
    private readonly ITls13HalfClose _halfClose;
    private readonly IDuplexStream _inner;
    private readonly TlsRecordReader _records;
    private readonly Lock _gate = new();
    private bool _readEnded;
    private int _writeClosed;
    private Exception? _readFailure;
    private Exception? _writeFailure;

    public ManagedTlsConnection(TlsProtocol protocol, ITls13HalfClose halfClose, IDuplexStream inner, TlsRecordReader records)
    {
        _protocol = protocol;
        _halfClose = halfClose;
        _inner = inner;
        _records = records;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_readFailure is not null) ExceptionDispatchInfo.Throw(_readFailure);
            int available;
            lock (_gate) available = _protocol.GetAvailableInputBytes();
            if (available > 0) return buffer.IsEmpty ? 0 : TakePlaintext(buffer, available);
            if (_readEnded) return 0;
            // A zero-byte read waits holding no buffer; records that carry no data (a session ticket, a key update)
            // are processed on the way, so it completes only when there is data for the caller or the end.
            if (buffer.IsEmpty && !_records.HasBufferedBytes)
                await _records.WaitForDataAsync(cancellationToken).ConfigureAwait(false);
            await ReadRecordAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _writeClosed) != 0) throw new InvalidOperationException("The TLS connection is closed for writing.");
        while (!buffer.IsEmpty)
        {
            if (_writeFailure is not null) ExceptionDispatchInfo.Throw(_writeFailure);
            int chunk = Math.Min(buffer.Length, MaxPlaintextPerRecord);
            var (record, length) = Seal(buffer[..chunk]);
            await _inner.WriteAsync(record.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            // Not returned when the write throws: the stream below might still hold it; the GC takes it then.
            ArrayPool<byte>.Shared.Return(record);
            buffer = buffer[chunk..];
        }
    }

    public async ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _writeClosed, 1) != 0) return;
        if (_writeFailure is null)
        {
            byte[]? alert = null;
            int length = 0;
            try
            {
                lock (_gate)
                {
                    _halfClose.SendCloseNotify();
                    (alert, length) = TakeOutput();
                }
            }
            catch (IOException)
            {
                // The protocol failed meanwhile (a fatal alert from the remote): there is no close_notify to send.
            }
            if (alert is not null)
            {
                await _inner.WriteAsync(alert.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                ArrayPool<byte>.Shared.Return(alert);
            }
        }
        await _inner.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Abort(Exception? reason = null) => _inner.Abort(reason);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    /// <summary>Whether the record buffer is rented right now (tests: an idle connection must hold none).</summary>
    internal bool HoldsReceiveBuffer => _records.HoldsBuffer;

    /// <summary>Offers the next record to the protocol; marks the end of our reading at the end of the stream or close_notify.</summary>
    private async ValueTask ReadRecordAsync(CancellationToken cancellationToken)
    {
        bool got;
        try
        {
            got = await _records.NextAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw FailRead(e);
        }
        if (!got)
        {
            _readEnded = true;
            return;
        }
        try
        {
            lock (_gate) _protocol.OfferInput(_records.Buffer, _records.RecordOffset, _records.RecordLength);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            throw FailRead(e);
        }
        finally
        {
            _records.Consume();
        }
        if (_halfClose.CloseNotifyReceived)
        {
            _readEnded = true;
            _records.Release();
        }
    }

    private int TakePlaintext(Memory<byte> buffer, int available)
    {
        int n = Math.Min(buffer.Length, available);
        if (MemoryMarshal.TryGetArray((ReadOnlyMemory<byte>)buffer, out var segment))
        {
            lock (_gate) return _protocol.ReadInput(segment.Array!, segment.Offset, n);
        }
        byte[] scratch = ArrayPool<byte>.Shared.Rent(n);
        try
        {
            lock (_gate) n = _protocol.ReadInput(scratch, 0, n);
            scratch.AsSpan(0, n).CopyTo(buffer.Span);
            return n;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Seals <paramref name="plaintext"/> (at most one record) and returns the record's bytes in a pooled array.</summary>
    private (byte[] Record, int Length) Seal(ReadOnlyMemory<byte> plaintext)
    {
        byte[]? scratch = null;
        try
        {
            if (!MemoryMarshal.TryGetArray(plaintext, out var segment))
            {
                scratch = ArrayPool<byte>.Shared.Rent(plaintext.Length);
                plaintext.Span.CopyTo(scratch);
                segment = new ArraySegment<byte>(scratch, 0, plaintext.Length);
            }
            lock (_gate)
            {
                _protocol.WriteApplicationData(segment.Array!, segment.Offset, segment.Count);
                return TakeOutput();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            _writeFailure = new IOException($"{TlsSecurity.Id}: the TLS connection cannot send: {e.Message}", e);
            _inner.Abort(_writeFailure);
            throw _writeFailure;
        }
        finally
        {
            if (scratch is not null) ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>What the protocol queued to send, in a pooled array (call under <c>_gate</c>).</summary>
    private (byte[] Bytes, int Length) TakeOutput()
    {
        int length = _protocol.GetAvailableOutputBytes();
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        return (bytes, _protocol.ReadOutput(bytes, 0, length));
    }

    private IOException FailRead(Exception cause)
    {
        var e = new IOException($"{TlsSecurity.Id}: the TLS connection failed: {ManagedTls.Describe(cause)}", cause);
        _readFailure = e;
        _readEnded = true;
        _inner.Abort(e);
        return e;
    }
}
