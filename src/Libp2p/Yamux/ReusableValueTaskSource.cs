using System.Threading.Tasks.Sources;

namespace Libp2p.Yamux;

/// <summary>
/// One reusable pending operation (a stream's read, a stream's write, the write pump's wait) so awaiting
/// does not allocate. Not thread-safe by itself: the owner calls Begin/TrySet* under its lock.
/// Continuations always run asynchronously, so completing under a lock never runs foreign code inline.
/// </summary>
internal sealed class ReusableValueTaskSource<T> : IValueTaskSource<T>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<T> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>True between Begin and the completion.</summary>
    public bool IsPending { get; private set; }

    public ValueTask<T> Begin()
    {
        _core.Reset();
        IsPending = true;
        return new ValueTask<T>(this, _core.Version);
    }

    public ValueTask BeginVoid()
    {
        _core.Reset();
        IsPending = true;
        return new ValueTask(this, _core.Version);
    }

    public bool TrySetResult(T result)
    {
        if (!IsPending) return false;
        IsPending = false;
        _core.SetResult(result);
        return true;
    }

    public bool TrySetException(Exception error)
    {
        if (!IsPending) return false;
        IsPending = false;
        _core.SetException(error);
        return true;
    }

    public T GetResult(short token) => _core.GetResult(token);
    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
