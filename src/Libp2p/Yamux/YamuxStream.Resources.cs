namespace Libp2p.Yamux;

// The stream's account with the host's resource manager (IYamuxResources; none when the session has no manager).
// What a peer makes us hold for a stream is its receive ring (what it sent that the application has not read) and a
// window beyond the spec's 256 KiB (a promise it may fill unasked): the reservation is the larger of the two, taken
// before the ring is rented or grows (refused: the stream is reset, Receive) and before the window grows (refused: it
// stays), given back when the ring returns to the pool. The direct path into the application's pending read rents
// nothing and reserves nothing. When the stream has left the session and holds no ring, its account is closed (its
// count returns). All under the session lock, like the rest of the stream.
internal sealed partial class YamuxStream
{
    private readonly IYamuxStreamResources? _resources;
    private long _reserved;
    private bool _resourcesClosed;

    /// <summary>The receive window beyond the spec's 256 KiB: a promise the memory budget must cover.</summary>
    private long WindowBeyondSpec => Math.Max(0, (long)_receiveWindow - YamuxOptions.SpecInitialWindowSize);

    /// <summary>The resource account of this stream (the host sets its protocol on it once negotiated).</summary>
    internal IYamuxStreamResources? Resources => _resources;

    /// <summary>Bytes reserved with the resource manager now (tests).</summary>
    internal long ReservedMemory { get { lock (SyncRoot) return _reserved; } }

    /// <summary>A window configured beyond 256 KiB is reserved at once; false refuses the stream (its account is closed).</summary>
    internal bool TryReserveInitialWindowLocked()
    {
        if (TryReserveUpToLocked(WindowBeyondSpec, required: true)) return true;
        _resourcesClosed = true;
        _resources?.Close();
        return false;
    }

    private bool TryReserveUpToLocked(long target, bool required)
    {
        if (target <= _reserved || _resources is null) return true;
        if (_resourcesClosed || !_resources.TryReserveMemory(target - _reserved, required)) return false;
        _reserved = target;
        return true;
    }

    private void ReleaseDownToLocked(long target)
    {
        if (target >= _reserved) return;
        if (!_resourcesClosed) _resources?.ReleaseMemory(_reserved - target);
        _reserved = target;
    }

    /// <summary>Gone from the session and holding no ring: everything reserved returns and the stream stops counting.</summary>
    private void CloseResourcesIfDoneLocked()
    {
        if (_resources is null || _resourcesClosed || !_removed || _ring is not null) return;
        ReleaseDownToLocked(0);
        _resourcesClosed = true;
        _resources.Close();
    }
}
