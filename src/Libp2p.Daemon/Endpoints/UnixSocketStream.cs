using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Libp2p.Core;

namespace Libp2p.Daemon.Endpoints;

/// <summary>A connected unix domain socket as an <see cref="IDuplexStream"/>: the socket's pooled awaitable operations, no allocation per read or write.</summary>
internal sealed class UnixSocketStream(Socket socket) : IDuplexStream
{
    private int _disposed;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            // An empty buffer waits for readability (or EOF) and consumes nothing, as IDuplexStream asks.
            return await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new IOException($"unix socket read failed: {e.Message}", e);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            while (!buffer.IsEmpty)
            {
                int n = await socket.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                buffer = buffer[n..];
            }
        }
        catch (SocketException e)
        {
            throw new IOException($"unix socket write failed: {e.Message}", e);
        }
    }

    public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        try { socket.Shutdown(SocketShutdown.Send); }
        catch (SocketException e) { throw new IOException($"unix socket half-close failed: {e.Message}", e); }
        return ValueTask.CompletedTask;
    }

    public void Abort(Exception? reason = null)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        socket.Dispose(); // a unix socket has no reset; the peer reads EOF or an error
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
