namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary><c>wasi:sockets/network.network</c>: the capability handle every bind, connect and lookup borrows.</summary>
internal sealed class Network : IDisposable
{
    private readonly IWasiBackend _backend;
    private int _handle;

    public Network(IWasiBackend backend, int handle) { _backend = backend; _handle = handle; }

    /// <summary><c>wasi:sockets/instance-network.instance-network</c>.</summary>
    public static Network Instance(IWasiBackend backend) => new(backend, backend.InstanceNetwork());

    public int Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(Network));

    public void Dispose()
    {
        int h = _handle;
        if (h == 0) return;
        _handle = 0;
        _backend.DropNetwork(h);
    }
}
