namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary><c>wasi:io/streams.output-stream</c> with its one cached pollable (a child, dropped first).</summary>
internal sealed class OutputStream : IDisposable
{
    private readonly IWasiBackend _backend;
    private int _handle;
    private Pollable? _pollable;

    public OutputStream(IWasiBackend backend, int handle) { _backend = backend; _handle = handle; }

    public int Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(OutputStream));
    public bool IsDisposed => _handle == 0;

    /// <summary>How many bytes <see cref="Write"/> may take now (0: wait on <see cref="Pollable"/>).</summary>
    public StreamStatus CheckWrite(out long permitted) => _backend.CheckWrite(Handle, out permitted);
    /// <summary>Writes at most what <see cref="CheckWrite"/> permitted.</summary>
    public StreamStatus Write(ReadOnlySpan<byte> source) => _backend.Write(Handle, source);
    /// <summary>Starts a flush; completion shows as <see cref="CheckWrite"/> permitting again.</summary>
    public StreamStatus Flush() => _backend.Flush(Handle);

    /// <summary>Writable notification; created once and reused for every wait.</summary>
    public Pollable Pollable => _pollable ??= new Pollable(_backend, _backend.SubscribeOutputStream(Handle));

    public void Dispose()
    {
        int h = _handle;
        if (h == 0) return;
        _pollable?.Dispose();
        _handle = 0;
        _backend.DropOutputStream(h);
    }
}
