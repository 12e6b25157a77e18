using System.Net;
using System.Net.Sockets;

namespace Libp2p.Attacks;

/// <summary>A TCP connection from a chosen loopback source address (attackers bind 127.0.0.2 and up), raw bytes only.</summary>
public sealed class RawSocket : IAsyncDisposable
{
    private readonly Socket _socket;

    private RawSocket(Socket socket) => _socket = socket;

    public static async Task<RawSocket> ConnectAsync(IPAddress source, IPEndPoint target, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(target, ct).ConfigureAwait(false);
            return new RawSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Shrinks our receive buffer so that a peer writing to us fills it quickly once we stop reading.</summary>
    public void SetSmallReceiveBuffer() => _socket.ReceiveBufferSize = 4096;

    public async Task WriteAsync(byte[] bytes, CancellationToken ct)
    {
        ReadOnlyMemory<byte> data = bytes;
        while (!data.IsEmpty)
        {
            int n = await _socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
            data = data[n..];
        }
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct) => _socket.ReceiveAsync(buffer, SocketFlags.None, ct);

    public async Task ReadExactlyAsync(Memory<byte> buffer, CancellationToken ct)
    {
        while (!buffer.IsEmpty)
        {
            int n = await ReadAsync(buffer, ct).ConfigureAwait(false);
            if (n == 0) throw new EndOfStreamException("The node closed the connection.");
            buffer = buffer[n..];
        }
    }

    /// <summary>True once the node has closed or reset the connection (a read returns EOF or fails), within <paramref name="wait"/>.</summary>
    public async Task<bool> ClosedByPeerWithinAsync(TimeSpan wait, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(wait);
        var sink = new byte[16 * 1024];
        try
        {
            while (true)
                if (await ReadAsync(sink, cts.Token).ConfigureAwait(false) == 0) return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return false; }
        catch (SocketException) { return true; }
    }

    public ValueTask DisposeAsync()
    {
        try { _socket.LingerState = new LingerOption(true, 0); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
