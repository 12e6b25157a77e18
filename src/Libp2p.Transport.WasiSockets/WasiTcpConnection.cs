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
public sealed class WasiTcpConnection : IRawConnection
{
    private readonly TcpSocket _socket;
    private readonly InputStream _input;
    private readonly OutputStream _output;
    private readonly IWasiScheduler _scheduler;
    private readonly WasiTcpTransportOptions _options;
    private readonly CancellationTokenSource _closed = new();
    private int _readsWithoutWait;
    private int _writesWithoutWait;
    private bool _writeClosed;
    private bool _disposed;
    private Exception? _abortReason;

    internal WasiTcpConnection(TcpSocket socket, InputStream input, OutputStream output, IWasiScheduler scheduler,
        WasiTcpTransportOptions options, Multiaddr localAddress, Multiaddr remoteAddress)
    {
        _socket = socket;
        _input = input;
        _output = output;
        _scheduler = scheduler;
        _options = options;
        LocalAddress = localAddress;
        RemoteAddress = remoteAddress;
    }

    public Multiaddr LocalAddress { get; }
    public Multiaddr RemoteAddress { get; }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var linked = Link(cancellationToken, out var token);
        if (buffer.IsEmpty)
        {
            // The zero-byte read of IDuplexStream: wait until the input stream is readable (bytes, EOF or an
            // error), consume nothing. The layers above rent their buffers only after this returns.
            ThrowIfClosed();
            await Wait(_input.Pollable, token);
            return 0;
        }
        while (true)
        {
            ThrowIfClosed();
            var status = _input.Read(buffer.Span, out int n);
            if (status == StreamStatus.Closed) return 0; // EOF (preview2-shim also reports a peer RST this way)
            if (status == StreamStatus.Failed)
                throw new TransportException(Libp2pError.ConnectionReset, $"Reading from {RemoteAddress} failed: {_socket.Backend.LastStreamError}");
            if (n > 0)
            {
                if (++_readsWithoutWait >= _options.YieldEvery) { _readsWithoutWait = 0; await _scheduler.YieldAsync(); }
                return n;
            }
            _readsWithoutWait = 0;
            await Wait(_input.Pollable, token);
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_writeClosed) throw new InvalidOperationException("The write side is closed.");
        using var linked = Link(cancellationToken, out var token);
        while (!buffer.IsEmpty)
        {
            ThrowIfClosed();
            var status = _output.CheckWrite(out long permitted);
            if (status != StreamStatus.Ok) throw WriteFailed(status);
            if (permitted == 0)
            {
                _writesWithoutWait = 0;
                await Wait(_output.Pollable, token);
                continue;
            }
            int n = (int)Math.Min(permitted, buffer.Length);
            status = _output.Write(buffer.Span[..n]);
            if (status != StreamStatus.Ok) throw WriteFailed(status);
            buffer = buffer[n..];
        }
        var flushed = _output.Flush();
        if (flushed != StreamStatus.Ok) throw WriteFailed(flushed);
        if (++_writesWithoutWait >= _options.YieldEvery) { _writesWithoutWait = 0; await _scheduler.YieldAsync(); }
    }

    public async ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        if (_writeClosed) return;
        ThrowIfClosed();
        using var linked = Link(cancellationToken, out var token);
        await FlushAndWaitAsync(token);
        _writeClosed = true;
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
            try
            {
                using var linked = Link(timeout.Token, out var token);
                await FlushAndWaitAsync(token);
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
        _closed.Dispose();
    }

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

    /// <summary>The token to wait with: the connection's own, linked with the caller's only when it can cancel.</summary>
    private CancellationTokenSource? Link(CancellationToken caller, out CancellationToken token)
    {
        ThrowIfClosed();
        if (!caller.CanBeCanceled) { token = _closed.Token; return null; }
        var linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _closed.Token);
        token = linked.Token;
        return linked;
    }

    private void ThrowIfClosed()
    {
        if (_disposed)
            throw _abortReason is ObjectDisposedException
                ? new ObjectDisposedException(nameof(WasiTcpConnection))
                : new TransportException(Libp2pError.ConnectionAborted, "The connection was aborted.", _abortReason);
    }

    private TransportException WriteFailed(StreamStatus status) =>
        status == StreamStatus.Closed
            ? new TransportException(Libp2pError.ConnectionReset, $"Writing to {RemoteAddress} failed: the connection is closed.")
            : new TransportException(Libp2pError.ConnectionReset, $"Writing to {RemoteAddress} failed: {_socket.Backend.LastStreamError}");

    public override string ToString() => $"wasi-tcp {LocalAddress} -> {RemoteAddress}";
}
