using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets.Scheduling;

/// <summary>
/// A single-threaded loop that awaits pollables, for hosts where nobody else does (browser-wasm on Node with
/// jco's preview2-shim). Each turn: fire due timers; <c>poll</c> every waited pollable plus one clock pollable
/// (zero timeout while work is flowing, otherwise until the next timer, capped at <see cref="MaxBlock"/>);
/// complete a snapshot of the ready waiters (their continuations run inline); then yield to the host event loop
/// (<c>setImmediate</c>) so JS callbacks and the .NET thread-pool queue run. A <c>poll</c> that blocked forever
/// would starve them, hence the cap and the yield on every turn. The loop stops when nothing is waiting and
/// restarts on the next wait or timer.
/// </summary>
public sealed class PollingEventLoop : IWasiScheduler
{
    /// <summary>Longest a turn blocks in <c>poll</c> with nothing ready: bounds how late host-side (JS) work runs.</summary>
    public static readonly TimeSpan MaxBlock = TimeSpan.FromMilliseconds(4);

    private readonly Func<Task> _yieldToHost;
    private readonly List<PollableWaiter> _waiting = new();
    private List<PollableWaiter> _yielders = new();
    private List<PollableWaiter> _yieldersSpare = new();
    private readonly Stack<PollableWaiter> _freeYielders = new();
    private readonly PriorityQueue<(LoopTimer Timer, int Version), ulong> _timers = new();
    private readonly List<PollableWaiter> _readySnapshot = new();
    private int[] _handles = new int[16];
    private int[] _ready = new int[16];
    private int _zeroPollable;
    private bool _running;
    private bool _busy;
    private Exception? _fault;

    /// <param name="backend">The WASI functions (poll, clocks).</param>
    /// <param name="yieldToHost">Returns a task completing after the host ran its pending work (JS: a <c>setImmediate</c> promise).</param>
    public PollingEventLoop(IWasiBackend backend, Func<Task> yieldToHost)
    {
        Backend = backend;
        _yieldToHost = yieldToHost;
        TimeProvider = new LoopTimeProvider(this);
    }

    public IWasiBackend Backend { get; }
    public TimeProvider TimeProvider { get; }

    /// <summary>Turns run so far (diagnostics).</summary>
    public long Turns { get; private set; }

    public ValueTask WaitAsync(Pollable pollable, CancellationToken cancellationToken = default)
    {
        ThrowIfFaulted();
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        // One cached waiter per pollable; a concurrent second wait on the same pollable gets its own.
        var waiter = pollable.SchedulerState as PollableWaiter;
        if (waiter is null || waiter.InUse)
        {
            waiter = new PollableWaiter();
            if (pollable.SchedulerState is null) pollable.SchedulerState = waiter;
        }
        var task = waiter.Arm(pollable.Handle);
        _waiting.Add(waiter);
        if (cancellationToken.CanBeCanceled)
            waiter.SetCancellation(cancellationToken.UnsafeRegister(static (s, ct) =>
            {
                var (loop, w) = ((PollingEventLoop, PollableWaiter))s!;
                loop._waiting.Remove(w);
                w.Complete(new OperationCanceledException(ct));
            }, (this, waiter)));
        EnsureRunning();
        return task;
    }

    public ValueTask YieldAsync()
    {
        ThrowIfFaulted();
        var waiter = _freeYielders.Count > 0 && !_freeYielders.Peek().InUse ? _freeYielders.Pop() : new PollableWaiter();
        var task = waiter.Arm(0);
        _yielders.Add(waiter);
        EnsureRunning();
        return task;
    }

    internal void Schedule(LoopTimer timer, int version, ulong dueInNanoseconds)
    {
        _timers.Enqueue((timer, version), Backend.MonotonicNow() + dueInNanoseconds);
        EnsureRunning();
    }

    private void EnsureRunning()
    {
        if (_running) return;
        _running = true;
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        try
        {
            // Never run a turn inside the caller that started the loop: waits must not complete synchronously
            // (that would re-enter other waiters' continuations on the caller's stack and let a caller spin).
            await _yieldToHost();
            while (true)
            {
                Turn();
                if (_waiting.Count == 0 && _yielders.Count == 0 && _timers.Count == 0) break;
                await _yieldToHost();
            }
        }
        catch (Exception e)
        {
            // A broken host (a trap in the glue) must not leave awaiters hanging forever.
            _fault = e;
            foreach (var w in _waiting) w.Complete(e);
            _waiting.Clear();
            Console.Error.WriteLine($"wasi event loop failed: {e}");
        }
        finally
        {
            _running = false;
        }
    }

    private void Turn()
    {
        Turns++;
        RunDueTimers();
        int n = _waiting.Count;
        bool immediate = _busy || _yielders.Count > 0;
        if (n > 0 || !immediate)
        {
            ulong timeout = immediate ? 0 : NanosUntilNextTimer();
            int clock;
            if (timeout == 0)
            {
                // An already-elapsed clock pollable, kept for the loop's life: a non-blocking poll in one call.
                if (_zeroPollable == 0) _zeroPollable = Backend.SubscribeDuration(0);
                clock = _zeroPollable;
            }
            else clock = Backend.SubscribeDuration(timeout);

            if (_handles.Length < n + 1) { _handles = new int[(n + 1) * 2]; _ready = new int[(n + 1) * 2]; }
            for (int i = 0; i < n; i++) _handles[i] = _waiting[i].Handle;
            _handles[n] = clock;
            int readyCount = Backend.Poll(_handles.AsSpan(0, n + 1), _ready);
            if (clock != _zeroPollable) Backend.DropPollable(clock);

            // Snapshot first, then complete: continuations run inline and may add or remove waiters.
            _readySnapshot.Clear();
            for (int i = 0; i < readyCount; i++)
                if (_ready[i] < n) _readySnapshot.Add(_waiting[_ready[i]]);
            foreach (var w in _readySnapshot) _waiting.Remove(w);
            foreach (var w in _readySnapshot) w.Complete();
            _busy = _readySnapshot.Count > 0;
            _readySnapshot.Clear();
        }
        else _busy = false;

        if (_yielders.Count > 0)
        {
            (_yielders, _yieldersSpare) = (_yieldersSpare, _yielders);
            foreach (var w in _yieldersSpare) { w.Complete(); _freeYielders.Push(w); }
            _yieldersSpare.Clear();
            _busy = true;
        }
        RunDueTimers();
    }

    private ulong NanosUntilNextTimer()
    {
        ulong cap = (ulong)MaxBlock.Ticks * 100UL;
        while (_timers.TryPeek(out var e, out ulong due))
        {
            if (e.Timer.Disposed || e.Version != e.Timer.Version) { _timers.Dequeue(); continue; }
            ulong now = Backend.MonotonicNow();
            return due <= now ? 0 : Math.Min(cap, due - now);
        }
        return cap;
    }

    private void RunDueTimers()
    {
        if (_timers.Count == 0) return;
        ulong now = Backend.MonotonicNow();
        int fired = 0;
        // Bounded per turn so a zero-period storm cannot starve I/O.
        while (fired < 64 && _timers.TryPeek(out var e, out ulong due) && due <= now)
        {
            _timers.Dequeue();
            if (e.Timer.Disposed || e.Version != e.Timer.Version) continue;
            fired++;
            e.Timer.Fire();
        }
    }

    private void ThrowIfFaulted()
    {
        if (_fault is not null) throw new InvalidOperationException("The WASI event loop failed.", _fault);
    }
}
