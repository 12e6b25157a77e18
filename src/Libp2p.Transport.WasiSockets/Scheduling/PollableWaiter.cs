using System.Threading.Tasks.Sources;

namespace Libp2p.Transport.WasiSockets.Scheduling;

/// <summary>A reusable awaitable for one pending wait (cached per pollable: no allocation per wait).</summary>
internal sealed class PollableWaiter(PollingEventLoop loop) : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core; // continuations run inline, on the loop
    private CancellationTokenRegistration _cancellation;

    /// <summary>The loop it waits on (the cancellation callback's state is the waiter itself: nothing boxed per wait).</summary>
    public PollingEventLoop Loop { get; } = loop;
    public int Handle { get; private set; }
    public bool IsPending { get; private set; }
    /// <summary>Position in the loop's waiter array while waiting, else -1.</summary>
    public int Index { get; set; } = -1;

    /// <summary>
    /// Armed, and the awaiter has not taken the result yet: not reusable. Continuations run inline on the loop, except
    /// for an awaiter that captured a context (a SynchronizationContext, a TaskScheduler): its continuation is posted
    /// and takes the result later; re-arming before that would make it fail.
    /// </summary>
    public bool InUse { get; private set; }

    public ValueTask Arm(int handle)
    {
        _core.Reset();
        Handle = handle;
        IsPending = true;
        InUse = true;
        return new ValueTask(this, _core.Version);
    }

    public void SetCancellation(CancellationTokenRegistration registration) => _cancellation = registration;

    public void Complete(Exception? error = null)
    {
        if (!IsPending) return;
        IsPending = false;
        _cancellation.Dispose();
        _cancellation = default;
        if (error is null) _core.SetResult(true);
        else _core.SetException(error);
    }

    public void GetResult(short token)
    {
        try { _core.GetResult(token); }
        finally { InUse = false; }
    }
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
