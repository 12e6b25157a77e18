using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets.Scheduling;

/// <summary>
/// A single-threaded loop that awaits pollables, for hosts where nobody else does (browser-wasm on Node with
/// jco's preview2-shim). Each turn: fire due timers; <c>poll</c> every waited pollable plus one clock pollable;
/// complete the ready waiters (their continuations run inline); then give the host event loop a turn
/// (<c>setImmediate</c>) so JS callbacks and the .NET thread-pool queue run. The loop stops when nothing is
/// waiting and restarts on the next wait or timer.
/// </summary>
/// <remarks>
/// <para>Two ways to hand the host its turn. <b>Host turns</b> (<see cref="PollingEventLoop(IWasiBackend, Action, Func{bool})"/>):
/// the loop asks the host for a callback and the host calls <see cref="RunHostTurn"/> from it, synchronously, so the
/// next turn starts as soon as the host's queue is through. <b>Yield tasks</b> (<see cref="PollingEventLoop(IWasiBackend, Func{Task}, Func{bool})"/>):
/// the loop awaits a task the host completes; the next turn runs wherever that task's continuation runs. In
/// browser-wasm a JSImport's task completes through the .NET thread pool, i.e. a JS <c>setTimeout(0)</c>: at least
/// 1 ms more per turn in Node (a dial's round trips took ~8 turns), so the Node host uses host turns.</para>
/// </remarks>
/// <remarks>
/// <para>How long a turn blocks: not at all while work flows (a waiter was ready last turn, a yielder waits, or
/// .NET thread-pool work is queued — it runs from the JS loop, which a blocked <c>poll</c> starves); otherwise
/// until the next timer or I/O, at most <see cref="MaxBlock"/> (a bound for host-side work the loop cannot see,
/// such as timers on <see cref="TimeProvider.System"/>). An idle node therefore wakes only when something is due.</para>
/// <para>Waiters live in a dense array parallel to the handle list given to <c>poll</c>: a wait is an append, a
/// completion or cancellation a swap-remove, and the ready indices <c>poll</c> returns are the waiters' own
/// positions — no scan of the waiters per turn beyond the handle list <c>poll</c> itself takes.</para>
/// </remarks>
internal sealed class PollingEventLoop : IWasiScheduler
{
    /// <summary>Longest a turn blocks in <c>poll</c> with nothing due: bounds how late host-side work the loop cannot see runs.</summary>
    public static readonly TimeSpan MaxBlock = TimeSpan.FromMilliseconds(250);

    private readonly Action _requestHostTurn;
    private readonly Func<bool>? _hostWorkPending;
    private PollableWaiter[] _waiters = new PollableWaiter[16];
    private int[] _handles = new int[17];
    private int[] _ready = new int[17];
    private int _count;
    private PollableWaiter[] _readySnapshot = new PollableWaiter[16];
    private List<PollableWaiter> _yielders = new();
    private List<PollableWaiter> _yieldersSpare = new();
    private readonly Stack<PollableWaiter> _freeYielders = new();
    private readonly PriorityQueue<(LoopTimer Timer, int Version), ulong> _timers = new();
    private int _zeroPollable;
    private int _clock;             // the blocking turns' clock pollable, kept while its instant is ahead
    private ulong _clockInstant;
    private bool _running;
    private bool _turnRequested;
    private bool _busy;
    private Exception? _fault;

    /// <param name="backend">The WASI functions (poll, clocks).</param>
    /// <param name="yieldToHost">Returns a task completing after the host ran its pending work (JS: a <c>setImmediate</c> promise).</param>
    /// <param name="hostWorkPending">
    /// Whether work is queued that only the host's event loop runs (browser-wasm: the .NET thread pool, drained from
    /// JS); while it is, a turn never blocks.
    /// </param>
    public PollingEventLoop(IWasiBackend backend, Func<Task> yieldToHost, Func<bool>? hostWorkPending = null)
    {
        ArgumentNullException.ThrowIfNull(yieldToHost);
        Backend = backend;
        _requestHostTurn = () => _ = TurnAfterAsync(yieldToHost);
        _hostWorkPending = hostWorkPending;
        TimeProvider = new LoopTimeProvider(this);
    }

    /// <param name="backend">The WASI functions (poll, clocks).</param>
    /// <param name="requestHostTurn">
    /// Asks the host to call <see cref="RunHostTurn"/> once, after it ran its pending work (JS: a <c>setImmediate</c>
    /// callback); never calls it inside the request.
    /// </param>
    /// <param name="hostWorkPending">As for the other constructor.</param>
    public PollingEventLoop(IWasiBackend backend, Action requestHostTurn, Func<bool>? hostWorkPending = null)
    {
        ArgumentNullException.ThrowIfNull(requestHostTurn);
        Backend = backend;
        _requestHostTurn = requestHostTurn;
        _hostWorkPending = hostWorkPending;
        TimeProvider = new LoopTimeProvider(this);
    }

    public IWasiBackend Backend { get; }
    public TimeProvider TimeProvider { get; }

    /// <summary>Turns run so far (diagnostics).</summary>
    public long Turns { get; private set; }

    /// <summary>Turns that blocked in <c>poll</c> (waited for I/O or a timer) rather than polling without a timeout (diagnostics).</summary>
    public long BlockingTurns { get; private set; }

    /// <summary>Pollables waited on right now.</summary>
    public int WaitingCount => _count;

    public ValueTask WaitAsync(Pollable pollable, CancellationToken cancellationToken = default)
    {
        ThrowIfFaulted();
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        // One cached waiter per pollable; a concurrent second wait on the same pollable gets its own.
        var waiter = pollable.SchedulerState as PollableWaiter;
        if (waiter is null || waiter.InUse)
        {
            waiter = new PollableWaiter(this);
            if (pollable.SchedulerState is null) pollable.SchedulerState = waiter;
        }
        var task = waiter.Arm(pollable.Handle);
        Add(waiter);
        if (cancellationToken.CanBeCanceled)
            waiter.SetCancellation(cancellationToken.UnsafeRegister(static (s, ct) => ((PollableWaiter)s!).Loop.Cancel((PollableWaiter)s!, ct), waiter));
        EnsureRunning();
        return task;
    }

    public ValueTask YieldAsync()
    {
        ThrowIfFaulted();
        var waiter = _freeYielders.Count > 0 && !_freeYielders.Peek().InUse ? _freeYielders.Pop() : new PollableWaiter(this);
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

    private void Add(PollableWaiter waiter)
    {
        if (_count == _waiters.Length)
        {
            Array.Resize(ref _waiters, _count * 2);
            Array.Resize(ref _handles, _count * 2 + 1);
            Array.Resize(ref _ready, _count * 2 + 1);
        }
        waiter.Index = _count;
        _waiters[_count] = waiter;
        _handles[_count] = waiter.Handle;
        _count++;
    }

    /// <summary>Swap-remove: the last waiter takes the removed one's slot (and its handle's).</summary>
    private void Remove(PollableWaiter waiter)
    {
        int i = waiter.Index;
        if (i < 0) return;
        int last = --_count;
        if (i != last)
        {
            var moved = _waiters[last];
            _waiters[i] = moved;
            _handles[i] = _handles[last];
            moved.Index = i;
        }
        _waiters[last] = null!;
        waiter.Index = -1;
    }

    private void Cancel(PollableWaiter waiter, CancellationToken token)
    {
        Remove(waiter);
        waiter.Complete(new OperationCanceledException(token));
    }

    private void EnsureRunning()
    {
        if (_running) return;
        _running = true;
        // Never run a turn inside the caller that started the loop: waits must not complete synchronously
        // (that would re-enter other waiters' continuations on the caller's stack and let a caller spin).
        RequestHostTurn();
    }

    private void RequestHostTurn()
    {
        _turnRequested = true;
        try { _requestHostTurn(); }
        catch (Exception e) { Fail(e); }
    }

    /// <summary>
    /// One turn of the loop, called by the host after <c>requestHostTurn</c> (host-turn mode); asks for the next turn
    /// unless nothing is left to wait for. A call nobody requested does nothing. Never throws: a failure fails every
    /// waiter and every later wait.
    /// </summary>
    public void RunHostTurn()
    {
        if (!_turnRequested) return;
        _turnRequested = false;
        try
        {
            Turn();
        }
        catch (Exception e)
        {
            Fail(e);
            return;
        }
        if (_count == 0 && _yielders.Count == 0 && _timers.Count == 0)
        {
            _running = false;
            try { DropClock(); }
            catch (Exception e) { Fail(e); }
        }
        else RequestHostTurn();
    }

    private async Task TurnAfterAsync(Func<Task> yieldToHost)
    {
        try
        {
            await yieldToHost();
        }
        catch (Exception e)
        {
            Fail(e);
            return;
        }
        RunHostTurn();
    }

    private void Fail(Exception e)
    {
        // A broken host (a trap in the glue) must not leave awaiters hanging forever.
        _fault = e;
        _running = false;
        _turnRequested = false;
        for (int i = _count - 1; i >= 0; i--)
        {
            var w = _waiters[i];
            Remove(w);
            w.Complete(e);
        }
        foreach (var w in _yielders) w.Complete(e);
        _yielders.Clear();
        Console.Error.WriteLine($"wasi event loop failed: {e}");
    }

    private void Turn()
    {
        Turns++;
        RunDueTimers();
        int n = _count;
        bool immediate = _busy || _yielders.Count > 0 || (_hostWorkPending?.Invoke() ?? false);
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
            else
            {
                clock = ClockFor(timeout);
                BlockingTurns++;
            }

            _handles[n] = clock;
            int readyCount = Backend.Poll(_handles.AsSpan(0, n + 1), _ready);

            // The ready indices are positions in _waiters as they were at poll: take those waiters first, then
            // remove them all (swap-removes move others), then complete (continuations run inline and may add or
            // cancel waiters).
            if (_readySnapshot.Length < readyCount) _readySnapshot = new PollableWaiter[Math.Max(readyCount, _readySnapshot.Length * 2)];
            int k = 0;
            for (int i = 0; i < readyCount; i++)
                if ((uint)_ready[i] < (uint)n) _readySnapshot[k++] = _waiters[_ready[i]];
            for (int i = 0; i < k; i++) Remove(_readySnapshot[i]);
            for (int i = 0; i < k; i++)
            {
                var w = _readySnapshot[i];
                _readySnapshot[i] = null!;
                w.Complete();
            }
            _busy = k > 0;
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

    /// <summary>
    /// A clock pollable that wakes the loop no later than <paramref name="timeout"/> from now. The one from an earlier
    /// turn is reused while its instant is still ahead and not later than wanted (the earliest timer rarely moves
    /// between turns): subscribing and dropping one every blocking turn cost two more host calls per round trip.
    /// Waking earlier than needed costs one more turn at most.
    /// </summary>
    private int ClockFor(ulong timeout)
    {
        ulong now = Backend.MonotonicNow();
        ulong wanted = now + timeout;
        if (_clock != 0 && _clockInstant > now && _clockInstant <= wanted) return _clock;
        DropClock();
        _clock = Backend.SubscribeInstant(wanted);
        _clockInstant = wanted;
        return _clock;
    }

    private void DropClock()
    {
        if (_clock == 0) return;
        Backend.DropPollable(_clock);
        _clock = 0;
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
