using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Libp2p.Multiformats;

namespace Libp2p.Transports.Tcp;

/// <summary>
/// A raw TCP connection. Reads and writes go straight to the socket's pooled awaitable operations
/// (<see cref="Socket.ReceiveAsync(Memory{byte}, SocketFlags, CancellationToken)"/>), and the
/// async wrappers use pooled builders, so the data path allocates nothing. One read and one write
/// may be in flight at once, as <see cref="Core.IDuplexStream"/> allows. A zero-byte read waits for readability
/// without a buffer: on Linux the socket layer peeks one byte (MSG_PEEK), so it consumes nothing.
/// </summary>
internal sealed class TcpConnection : IRawConnection
{
    private const int Open = 0, Aborted = 1, Disposed = 2;
    private const int MaxSpuriousWakeups = 8;

    private readonly Socket _socket;
    private readonly EndPoint? _remote;
    private int _state;
    private int _writeClosed;
    private Exception? _abortReason;

    internal TcpConnection(Socket socket)
    {
        _socket = socket;
        _remote = socket.RemoteEndPoint;
        LocalAddress = Multiaddr.FromTcpEndPoint((IPEndPoint)socket.LocalEndPoint!);
        RemoteAddress = Multiaddr.FromTcpEndPoint((IPEndPoint)_remote!);
    }

    public Multiaddr LocalAddress { get; }

    public Multiaddr RemoteAddress { get; }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        try
        {
            if (buffer.IsEmpty)
            {
                // The zero-byte read. Measured here: on accepted sockets ReceiveAsync with an empty buffer sometimes
                // completes with nothing to read (FIONREAD 0, poll not readable), which would make the caller rent
                // a buffer and hold it in a real read for as long as the connection stays idle. So check readability
                // (data, EOF or error) and wait again when there is none; a few retries at most, then behave as before.
                for (int attempt = 0; ; attempt++)
                {
                    var wait = _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
                    if (wait.IsCompleted)
                    {
                        // Completed at once: the socket layer's one-byte peek found data (or EOF, or an error, which
                        // the result throws). Only wake-ups through the event loop can be spurious, so only they
                        // pay for the poll below — a busy connection does one syscall per zero-byte read, not two.
                        wait.GetAwaiter().GetResult();
                        return 0;
                    }
                    await wait.ConfigureAwait(false);
                    if (attempt == MaxSpuriousWakeups || _socket.Poll(0, SelectMode.SelectRead)) return 0;
                }
            }
            return await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode != SocketError.OperationAborted || _state == Open)
        {
            throw TcpSocketErrors.Transfer(e, _remote, "read");
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw Closed();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        if (Volatile.Read(ref _writeClosed) != 0) throw new InvalidOperationException("The write side of this connection is closed.");
        try
        {
            while (!buffer.IsEmpty)
            {
                int sent = await _socket.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                buffer = buffer[sent..];
            }
        }
        catch (SocketException e) when (e.SocketErrorCode != SocketError.OperationAborted || _state == Open)
        {
            throw TcpSocketErrors.Transfer(e, _remote, "write");
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw Closed();
        }
    }

    /// <summary>Sends FIN after the bytes already written; reading goes on until the peer's FIN.</summary>
    public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        if (Interlocked.Exchange(ref _writeClosed, 1) != 0) return ValueTask.CompletedTask;
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.NotConnected)
        {
            // the peer already reset the connection: there is nothing left to close
        }
        catch (SocketException e)
        {
            return ValueTask.FromException(TcpSocketErrors.Transfer(e, _remote, "close"));
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Resets the connection (linger 0, so the peer sees RST, not FIN); pending operations fail.</summary>
    public void Abort(Exception? reason = null)
    {
        if (Interlocked.CompareExchange(ref _state, Aborted, Open) != Open) return;
        _abortReason = reason;
        try { _socket.LingerState = new LingerOption(true, 0); }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        _socket.Dispose();
    }

    /// <summary>Closes gracefully (FIN); pending operations fail.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Disposed, Open) == Open)
            _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"tcp {LocalAddress} <-> {RemoteAddress}";

    private void ThrowIfClosed()
    {
        if (_state != Open) throw Closed();
    }

    private TransportException Closed() => _state == Aborted
        ? new TransportException(Libp2pError.ConnectionAborted, $"connection to {_remote} was aborted locally", _abortReason)
        : new TransportException(Libp2pError.ConnectionAborted, $"connection to {_remote} is closed");
}
