namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary><c>wasi:io/poll.pollable</c>: an owned handle; dropped before the resource it was subscribed from.</summary>
internal sealed class Pollable : IDisposable
{
    private readonly IWasiBackend _backend;
    private int _handle;

    public Pollable(IWasiBackend backend, int handle) { _backend = backend; _handle = handle; }

    public int Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(Pollable));
    public bool IsDisposed => _handle == 0;
    public bool Ready() => _backend.PollableReady(Handle);
    /// <summary>Blocks the thread until ready: only for short synchronous steps (bind/listen).</summary>
    public void Block() => _backend.PollableBlock(Handle);

    /// <summary>Slot used by a scheduler to wait on this pollable without allocating per wait.</summary>
    internal object? SchedulerState { get; set; }

    public void Dispose()
    {
        int h = _handle;
        if (h == 0) return;
        _handle = 0;
        _backend.DropPollable(h);
    }
}
