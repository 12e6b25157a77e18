namespace Libp2p.Core;

/// <summary>
/// A cancellation token that fires after a delay measured by a <see cref="TimeProvider"/> (never the
/// system timer behind <c>CancelAfter</c>: inside Wasm the clock is the event loop's), or when either
/// of up to two outer tokens fires.
/// </summary>
public sealed class Deadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource? _linked;

    public Deadline(TimeSpan after, TimeProvider time, CancellationToken outer = default, CancellationToken outer2 = default)
    {
        _timer = new CancellationTokenSource(after, time);
        if (outer.CanBeCanceled || outer2.CanBeCanceled)
            _linked = CancellationTokenSource.CreateLinkedTokenSource(_timer.Token, outer, outer2);
    }

    public CancellationToken Token => _linked?.Token ?? _timer.Token;

    /// <summary>True when the delay ran out (as opposed to an outer token firing).</summary>
    public bool Expired => _timer.IsCancellationRequested;

    public void Dispose()
    {
        _linked?.Dispose();
        _timer.Dispose();
    }
}
