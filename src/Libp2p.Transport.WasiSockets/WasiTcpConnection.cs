using System.Buffers;
using System.Runtime.CompilerServices;
using Libp2p.Multiformats;
using Libp2p.Transport.WasiSockets.Scheduling;
using Libp2p.Transport.WasiSockets.Wit;
using Libp2p.Transports;

namespace Libp2p.Transport.WasiSockets;

/// <summary>
/// A TCP connection over <c>wasi:sockets/tcp</c>: reads go straight into the caller's buffer
/// (<c>input-stream.read</c>), writes honour <c>check-write</c> (backpressure: wait on the output pollable) and
/// are flushed. Resources are dropped children first: pollables, streams, then the socket.
/// One reader and one writer may be active at once.
/// </summary>
/// <remarks>
/// <para>Nothing is allocated per read or write: a read or write that needs no wait completes synchronously; one that
/// waits runs on a pooled async state machine; the token it waits with is linked once per caller token and
/// reused (the layers above pass the same session token every time).</para>
/// <para>Small reads read ahead: multistream-select reads its length varints a byte at a time and Noise its 2-byte
/// frame lengths, and on a WASI host every <c>read</c> is a host call (under Node, a synchronous round trip to
/// preview2-shim's I/O worker, 50–100 µs). A read for less than <see cref="SmallRead"/> bytes takes up to
/// <see cref="ReadAheadSize"/> into a pooled buffer and later reads are served from it; the buffer is held only
/// while it holds bytes, so an idle connection keeps none.</para>
/// </remarks>
internal sealed class WasiTcpConnection : IRawConnection
{
    /// <summary>Reads asking for fewer bytes than this go through the read-ahead buffer.</summary>
    internal const int SmallRead = 256;
    /// <summary>The read-ahead buffer: what one host call takes for a small read.</summary>
    internal const int ReadAheadSize = 4096;

    private readonly TcpSocket _socket;
    private readonly InputStream _input;
    private readonly OutputStream _output;
    private readonly IWasiScheduler _scheduler;
    private readonly WasiTcpTransportOptions _options;
    private readonly WasiHostDefects _hostDefects;
    private readonly CancellationTokenSource _closed = new();
    private byte[] _ahead = [];    // rented while it holds bytes, else empty
    private int _aheadStart, _aheadEnd;
    private TokenLink _readLink;
    private TokenLink _writeLink;
    private int _readsWithoutWait;
    private int _writesWithoutWait;
    private bool _writeClosed;
    private bool _disposed;
    private Exception? _abortReason;

    internal WasiTcpConnection(TcpSocket socket, InputStream input, OutputStream output, IWasiScheduler scheduler,
        WasiTcpTransportOptions options, Multiaddr localAddress, Multiaddr remoteAddress, WasiHostDefects hostDefects = WasiHostDefects.None)
    {
        _socket = socket;
        _input = input;
        _output = output;
        _scheduler = scheduler;
        _options = options;
        _hostDefects = hostDefects;
        LocalAddress = localAddress;
        RemoteAddress = remoteAddress;
    }

    public Multiaddr LocalAddress { get; }
    public Multiaddr RemoteAddress { get; }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_disposed) return ValueTask.FromException<int>(ClosedException());
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<int>(cancellationToken);
        // Bytes read ahead come first (the zero-byte read: readable now).
        if (_aheadEnd > _aheadStart) return new ValueTask<int>(TakeAhead(buffer.Span));
        if (!buffer.IsEmpty)
        {
            // Fast path: bytes (or EOF) already there and no turn owed to the loop.
            var status = ReadNow(buffer.Span, out int n);
            if (status == StreamStatus.Closed) return new ValueTask<int>(0); // EOF (preview2-shim also reports a peer RST this way)
            if (status == StreamStatus.Failed) return ValueTask.FromException<int>(ReadFailed());
            if (n > 0)
            {
                if (++_readsWithoutWait < _options.YieldEvery) return new ValueTask<int>(n);
                _readsWithoutWait = 0;
                return YieldThenReturnAsync(n);
            }
            _readsWithoutWait = 0;
        }
        return ReadSlowAsync(buffer, cancellationToken);
    }

    /// <summary>One host read into <paramref name="destination"/>; a small one through the read-ahead buffer.</summary>
    private StreamStatus ReadNow(Span<byte> destination, out int n)
    {
        if (destination.Length >= SmallRead) return _input.Read(destination, out n);
        var ahead = ArrayPool<byte>.Shared.Rent(ReadAheadSize);
        var status = _input.Read(ahead, out int got);
        if (got == 0)
        {
            ArrayPool<byte>.Shared.Return(ahead);
            n = 0;
            return status;
        }
        _ahead = ahead;
        _aheadStart = 0;
        _aheadEnd = got;
        n = TakeAhead(destination);
        return status;
    }

    private int TakeAhead(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, _aheadEnd - _aheadStart);
        _ahead.AsSpan(_aheadStart, n).CopyTo(destination);
        _aheadStart += n;
        if (_aheadStart == _aheadEnd) ReleaseAhead();
        return n;
    }

    private void ReleaseAhead()
    {
        if (_ahead.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_ahead);
        _ahead = [];
        _aheadStart = _aheadEnd = 0;
    }

    /// <summary>Whether the read-ahead buffer is rented right now (tests: an idle connection must hold none).</summary>
    internal bool HoldsReadAhead => _ahead.Length != 0;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> YieldThenReturnAsync(int n)
    {
        await _scheduler.YieldAsync();
        return n;
    }

    /// <summary>Waits for the input to become readable, then reads (an empty buffer: only waits — the zero-byte read).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadSlowAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var token = Link(ref _readLink, cancellationToken);
        while (true)
        {
            await Wait(_input.Pollable, token);
            // The zero-byte read of IDuplexStream: readable (bytes, EOF or an error) now; consume nothing.
            // The layers above rent their buffers only after this returns.
            if (buffer.IsEmpty) return 0;
            ThrowIfClosed();
            var status = ReadNow(buffer.Span, out int n);
            if (status == StreamStatus.Closed) return 0;
            if (status == StreamStatus.Failed) throw ReadFailed();
            if (n > 0) return n;
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_writeClosed) return ValueTask.FromException(new InvalidOperationException("The write side is closed."));
        if (_disposed) return ValueTask.FromException(ClosedException());
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        // Fast path: write what check-write permits now; wait only when it permits nothing.
        while (!buffer.IsEmpty)
        {
            var status = _output.CheckWrite(out long permitted);
            if (status != StreamStatus.Ok) return ValueTask.FromException(WriteFailed(status));
            if (permitted == 0) return WriteSlowAsync(buffer, cancellationToken);
            int n = (int)Math.Min(permitted, buffer.Length);
            status = _output.Write(buffer.Span[..n]);
            if (status != StreamStatus.Ok) return ValueTask.FromException(WriteFailed(status));
            buffer = buffer[n..];
        }
        return Flushed();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteSlowAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var token = Link(ref _writeLink, cancellationToken);
        _writesWithoutWait = 0;
        while (!buffer.IsEmpty)
        {
            ThrowIfClosed();
            var status = _output.CheckWrite(out long permitted);
            if (status != StreamStatus.Ok) throw WriteFailed(status);
            if (permitted == 0)
            {
                await Wait(_output.Pollable, token);
                continue;
            }
            int n = (int)Math.Min(permitted, buffer.Length);
            status = _output.Write(buffer.Span[..n]);
            if (status != StreamStatus.Ok) throw WriteFailed(status);
            buffer = buffer[n..];
        }
        await Flushed();
    }

    /// <summary>Starts the flush of everything written; yields to the loop after a run of writes that never waited.</summary>
    private ValueTask Flushed()
    {
        var flushed = _output.Flush();
        if (flushed != StreamStatus.Ok) return ValueTask.FromException(WriteFailed(flushed));
        if (++_writesWithoutWait < _options.YieldEvery) return default;
        _writesWithoutWait = 0;
        return _scheduler.YieldAsync();
    }

    public async ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        if (_writeClosed) return;
        ThrowIfClosed();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        await FlushAndWaitAsync(linked.Token);
        _writeClosed = true;
        if ((_hostDefects & WasiHostDefects.ShutdownDestroysSocket) != 0)
        {
            // DEFECT (preview2-shim): shutdown destroys the whole socket whatever the type. Dropping the output
            // stream ends the Node socket's writable side instead (FIN after the queued bytes); reading goes on.
            _output.Dispose();
            return;
        }
        var r = _socket.Shutdown(ShutdownType.Send);
        if (!r.IsOk && r.Error != NetworkErrorCode.InvalidState)
            throw WasiErrors.ToException(r.Error, "Half-closing", RemoteAddress.ToString());
    }

    public void Abort(Exception? reason = null)
    {
        if (_disposed) return;
        _abortReason = reason ?? new TransportException(Libp2pError.ConnectionAborted, $"The connection to {RemoteAddress} was aborted.");
        Release();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        if (!_writeClosed && _abortReason is null)
        {
            // Bytes already accepted must reach the peer before the socket goes: the host may drop a socket's
            // unflushed buffer on close (preview2-shim destroys the Node socket).
            using var timeout = new CancellationTokenSource(_options.CloseFlushTimeout, _scheduler.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _closed.Token);
            try
            {
                await FlushAndWaitAsync(linked.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or TransportException or ObjectDisposedException) { }
        }
        Release();
    }

    private async ValueTask FlushAndWaitAsync(CancellationToken token)
    {
        if (_output.Flush() != StreamStatus.Ok) return;
        // A flush completes when check-write permits again (the WIT's blocking-flush recipe, without blocking).
        while (!_disposed && _output.CheckWrite(out long permitted) == StreamStatus.Ok && permitted == 0)
            await Wait(_output.Pollable, token);
    }

    private void Release()
    {
        if (_disposed) return;
        _disposed = true;
        _abortReason ??= new ObjectDisposedException(nameof(WasiTcpConnection));
        // Cancel pending waits first: a scheduler must never poll a pollable we are about to drop.
        _closed.Cancel();
        _input.Dispose();
        _output.Dispose();
        _socket.Dispose();
        ReleaseAhead();
        _readLink.Dispose();
        _writeLink.Dispose();
        _closed.Dispose();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask Wait(Pollable pollable, CancellationToken token)
    {
        try
        {
            await _scheduler.WaitAsync(pollable, token);
        }
        catch (OperationCanceledException) when (_disposed)
        {
            ThrowIfClosed();
        }
    }

    /// <summary>
    /// The token to wait with: the connection's own, linked with the caller's when it can cancel. The link is made
    /// once per caller token and kept (Yamux passes its session token to every read and every write).
    /// </summary>
    private CancellationToken Link(ref TokenLink link, CancellationToken caller)
    {
        ThrowIfClosed();
        if (!caller.CanBeCanceled) return _closed.Token;
        if (link.Linked is null || link.Caller != caller)
        {
            link.Linked?.Dispose();
            link.Caller = caller;
            link.Linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _closed.Token);
        }
        return link.Linked.Token;
    }

    private struct TokenLink
    {
        public CancellationToken Caller;
        public CancellationTokenSource? Linked;

        public void Dispose()
        {
            Linked?.Dispose();
            Linked = null;
        }
    }

    private void ThrowIfClosed()
    {
        if (_disposed) throw ClosedException();
    }

    private Exception ClosedException() =>
        _abortReason is ObjectDisposedException or null
            ? new ObjectDisposedException(nameof(WasiTcpConnection))
            : new TransportException(Libp2pError.ConnectionAborted, "The connection was aborted.", _abortReason);

    private TransportException ReadFailed() => new(Libp2pError.ConnectionReset, $"Reading from {RemoteAddress} failed: {_socket.Backend.LastStreamError}");

    private TransportException WriteFailed(StreamStatus status) =>
        status == StreamStatus.Closed
            ? new TransportException(Libp2pError.ConnectionReset, $"Writing to {RemoteAddress} failed: the connection is closed.")
            : new TransportException(Libp2pError.ConnectionReset, $"Writing to {RemoteAddress} failed: {_socket.Backend.LastStreamError}");

    public override string ToString() => $"wasi-tcp {LocalAddress} -> {RemoteAddress}";
}
