using System.Net;
using System.Net.Sockets;

namespace Libp2p.Interop.Tests.Wasm;

/// <summary>A native (System.Net.Sockets) echo server in the test process: echoes until EOF, then half-closes.</summary>
public sealed class NativeEchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public NativeEchoServer(IPAddress address)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Remote endpoints of accepted connections (the Wasm side's local address).</summary>
    public List<IPEndPoint> Accepted { get; } = new();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (Accepted) Accepted.Add((IPEndPoint)socket.RemoteEndPoint!);
                _ = EchoAsync(socket);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { }
    }

    private async Task EchoAsync(Socket socket)
    {
        using var s = socket;
        s.NoDelay = true;
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int n = await s.ReceiveAsync(buffer, _stop.Token);
                if (n == 0) break;
                await s.SendAsync(buffer.AsMemory(0, n), _stop.Token);
            }
            s.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException) { }
    }

    /// <summary>A port nothing listens on (bound, then released).</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
