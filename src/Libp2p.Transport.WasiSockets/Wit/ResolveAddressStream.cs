using System.Net;

namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary><c>wasi:sockets/ip-name-lookup.resolve-address-stream</c> with its cached pollable.</summary>
internal sealed class ResolveAddressStream : IDisposable
{
    private readonly IWasiBackend _backend;
    private int _handle;
    private Pollable? _pollable;

    public ResolveAddressStream(IWasiBackend backend, int handle) { _backend = backend; _handle = handle; }

    /// <summary><c>resolve-addresses</c>: starts a lookup of <paramref name="name"/>.</summary>
    public static WasiResult<ResolveAddressStream> Start(IWasiBackend backend, Network network, string name)
    {
        var r = backend.ResolveAddresses(network.Handle, name);
        return r.IsOk ? WasiResult<ResolveAddressStream>.Ok(new ResolveAddressStream(backend, r.Value)) : WasiResult<ResolveAddressStream>.Fail(r.Error);
    }

    public int Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(ResolveAddressStream));

    /// <summary>would-block until <see cref="Pollable"/> is ready; ok(null) at the end.</summary>
    public WasiResult<IPAddress?> Next() => _backend.ResolveNextAddress(Handle);

    public Pollable Pollable => _pollable ??= new Pollable(_backend, _backend.SubscribeResolveAddressStream(Handle));

    public void Dispose()
    {
        int h = _handle;
        if (h == 0) return;
        _pollable?.Dispose();
        _handle = 0;
        _backend.DropResolveAddressStream(h);
    }
}
