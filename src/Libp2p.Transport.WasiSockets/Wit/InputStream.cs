namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary><c>wasi:io/streams.input-stream</c> with its one cached pollable (a child, dropped first).</summary>
internal sealed class InputStream : IDisposable
{
    private readonly IWasiBackend _backend;
    private int _handle;
    private Pollable? _pollable;

    public InputStream(IWasiBackend backend, int handle) { _backend = backend; _handle = handle; }

    public int Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(InputStream));
    public bool IsDisposed => _handle == 0;

    /// <summary>Non-blocking read into <paramref name="destination"/>; 0 bytes with <see cref="StreamStatus.Ok"/> means "nothing yet".</summary>
    public StreamStatus Read(Span<byte> destination, out int bytesRead) => _backend.Read(Handle, destination, out bytesRead);

    /// <summary>Readable (or closed) notification; created once and reused for every wait.</summary>
    public Pollable Pollable => _pollable ??= new Pollable(_backend, _backend.SubscribeInputStream(Handle));

    public void Dispose()
    {
        int h = _handle;
        if (h == 0) return;
        _pollable?.Dispose();
        _handle = 0;
        _backend.DropInputStream(h);
    }
}
