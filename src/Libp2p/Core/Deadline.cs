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

    /// <summary>A deadline <paramref name="after"/> from now on <paramref name="time"/>'s clock, also cancelled by either outer token.</summary>
    /// <param name="after">How long until it expires.</param>
    /// <param name="time">The clock.</param>
    /// <param name="outer">A caller's token that also cancels <see cref="Token"/>.</param>
    /// <param name="outer2">A second such token.</param>
    public Deadline(TimeSpan after, TimeProvider time, CancellationToken outer = default, CancellationToken outer2 = default)
    {
        _timer = new CancellationTokenSource(after, time);
        if (outer.CanBeCanceled || outer2.CanBeCanceled)
            _linked = CancellationTokenSource.CreateLinkedTokenSource(_timer.Token, outer, outer2);
    }

    /// <summary>Cancelled when the deadline expires or an outer token is cancelled.</summary>
    public CancellationToken Token => _linked?.Token ?? _timer.Token;

    /// <summary>True when the delay ran out (as opposed to an outer token firing).</summary>
    public bool Expired => _timer.IsCancellationRequested;

    /// <summary>Stops the timer and unlinks the outer tokens.</summary>
    public void Dispose()
    {
        _linked?.Dispose();
        _timer.Dispose();
    }
}
