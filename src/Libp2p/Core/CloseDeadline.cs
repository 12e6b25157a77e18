namespace Libp2p.Core;

/// <summary>
/// The deadline of a close or a shutdown: it fires after a delay on the host's <see cref="TimeProvider"/> or on the
/// real clock, whichever comes first, or when the caller's token fires.
/// </summary>
/// <remarks>
/// Every other timeout of the stack runs on the injected clock only. Closing is different: it is the bound on real
/// resources (sockets, buffers, the peer's patience), so a clock that stands still — a test's fake clock that nobody
/// advances any more, a paused simulation — must not keep a connection or a host from closing. On a real clock (the
/// system's natively, the event loop's over <c>wasi:clocks/monotonic-clock</c> inside Wasm) both measure the same time.
/// The real clock's timer is the runtime's: a thread-pool timer natively, a host timer inside Wasm.
/// </remarks>
internal sealed class CloseDeadline : IDisposable
{
    private readonly CancellationTokenSource _hostClock;
    private readonly CancellationTokenSource? _realClock;
    private readonly CancellationTokenSource _linked;

    public CloseDeadline(TimeSpan after, TimeProvider time, CancellationToken outer = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        _hostClock = new CancellationTokenSource(after, time);
        if (!ReferenceEquals(time, TimeProvider.System))
            _realClock = new CancellationTokenSource(after, TimeProvider.System);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_hostClock.Token, _realClock?.Token ?? default, outer);
    }

    public CancellationToken Token => _linked.Token;

    /// <summary>True when the delay ran out on either clock (as opposed to the caller's token firing).</summary>
    public bool Expired => _hostClock.IsCancellationRequested || _realClock?.IsCancellationRequested == true;

    public void Dispose()
    {
        _linked.Dispose();
        _realClock?.Dispose();
        _hostClock.Dispose();
    }
}
