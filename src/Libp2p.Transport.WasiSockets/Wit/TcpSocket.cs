namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary>
/// <c>wasi:sockets/tcp.tcp-socket</c>. Owns its cached pollable (dropped first). Streams returned by
/// <see cref="FinishConnect"/> and <see cref="Accept"/> are children the caller must drop before this socket.
/// The start/finish pairs return <see cref="NetworkErrorCode.WouldBlock"/> until <see cref="Pollable"/> is ready.
/// </summary>
internal sealed class TcpSocket : IDisposable
{
    private readonly IWasiBackend _backend;
    private int _handle;
    private Pollable? _pollable;

    public TcpSocket(IWasiBackend backend, int handle) { _backend = backend; _handle = handle; }

    /// <summary><c>wasi:sockets/tcp-create-socket.create-tcp-socket</c>.</summary>
    public static WasiResult<TcpSocket> Create(IWasiBackend backend, IpAddressFamily family)
    {
        var r = backend.CreateTcpSocket(family);
        return r.IsOk ? WasiResult<TcpSocket>.Ok(new TcpSocket(backend, r.Value)) : WasiResult<TcpSocket>.Fail(r.Error);
    }

    public int Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(TcpSocket));
    public IWasiBackend Backend => _backend;

    public WasiResult StartBind(Network network, in IpSocketAddress local) => _backend.StartBind(Handle, network.Handle, local);
    public WasiResult FinishBind() => _backend.FinishBind(Handle);
    public WasiResult StartConnect(Network network, in IpSocketAddress remote) => _backend.StartConnect(Handle, network.Handle, remote);

    public WasiResult<(InputStream Input, OutputStream Output)> FinishConnect()
    {
        var r = _backend.FinishConnect(Handle);
        if (!r.IsOk) return WasiResult<(InputStream, OutputStream)>.Fail(r.Error);
        var (i, o) = r.Value;
        return WasiResult<(InputStream, OutputStream)>.Ok((new InputStream(_backend, i), new OutputStream(_backend, o)));
    }

    public WasiResult StartListen() => _backend.StartListen(Handle);
    public WasiResult FinishListen() => _backend.FinishListen(Handle);

    public WasiResult<(TcpSocket Socket, InputStream Input, OutputStream Output)> Accept()
    {
        var r = _backend.Accept(Handle);
        if (!r.IsOk) return WasiResult<(TcpSocket, InputStream, OutputStream)>.Fail(r.Error);
        var (s, i, o) = r.Value;
        return WasiResult<(TcpSocket, InputStream, OutputStream)>.Ok(
            (new TcpSocket(_backend, s), new InputStream(_backend, i), new OutputStream(_backend, o)));
    }

    public WasiResult<IpSocketAddress> LocalAddress() => _backend.LocalAddress(Handle);
    public WasiResult<IpSocketAddress> RemoteAddress() => _backend.RemoteAddress(Handle);
    public WasiResult SetListenBacklogSize(ulong value) => _backend.SetListenBacklogSize(Handle, value);
    public WasiResult SetKeepAliveEnabled(bool value) => _backend.SetKeepAliveEnabled(Handle, value);
    public WasiResult SetKeepAliveIdleTime(TimeSpan value) => _backend.SetKeepAliveIdleTime(Handle, ToNanoseconds(value));
    public WasiResult SetKeepAliveInterval(TimeSpan value) => _backend.SetKeepAliveInterval(Handle, ToNanoseconds(value));
    public WasiResult SetKeepAliveCount(uint value) => _backend.SetKeepAliveCount(Handle, value);
    public WasiResult SetHopLimit(byte value) => _backend.SetHopLimit(Handle, value);
    public WasiResult SetReceiveBufferSize(ulong value) => _backend.SetReceiveBufferSize(Handle, value);
    public WasiResult SetSendBufferSize(ulong value) => _backend.SetSendBufferSize(Handle, value);
    public WasiResult Shutdown(ShutdownType how) => _backend.Shutdown(Handle, how);

    /// <summary>Bind/connect/listen progress and pending accepts; created once and reused.</summary>
    public Pollable Pollable => _pollable ??= new Pollable(_backend, _backend.SubscribeTcpSocket(Handle));

    internal static ulong ToNanoseconds(TimeSpan t) => t <= TimeSpan.Zero ? 0UL : (ulong)t.Ticks * 100UL;

    public void Dispose()
    {
        int h = _handle;
        if (h == 0) return;
        _pollable?.Dispose();
        _handle = 0;
        _backend.DropTcpSocket(h);
    }
}
