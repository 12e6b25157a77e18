using Libp2p.Transport.WasiSockets.Scheduling;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Tests.WasiSockets;

/// <summary>
/// The browser-wasm event loop on a virtual-time backend. The "host event loop" is pumped by the test on its own
/// thread (each yield is a task the pump completes), so everything runs single-threaded and deterministically.
/// </summary>
public class PollingEventLoopTests
{
    private sealed class Host
    {
        private readonly Queue<TaskCompletionSource> _yields = new();
        public FakeClockBackend Backend { get; } = new();
        public PollingEventLoop Loop { get; }

        public Host()
        {
            // Continuations must run inline on the loop as in browser-wasm (no SynchronizationContext there), not be
            // posted to xunit's context.
            SynchronizationContext.SetSynchronizationContext(null);
            Loop = new PollingEventLoop(Backend, () => { var t = new TaskCompletionSource(); _yields.Enqueue(t); return t.Task; });
        }

        /// <summary>Runs host turns until <paramref name="until"/> completes; fails if it takes more than <paramref name="maxTurns"/>.</summary>
        public void Run(Task until, int maxTurns = 10_000)
        {
            for (int i = 0; i < maxTurns && !until.IsCompleted; i++)
            {
                if (_yields.Count == 0) break;
                _yields.Dequeue().SetResult();
            }
            Assert.True(until.IsCompleted, "the awaited work did not complete on the loop");
        }
    }

    [Fact]
    public void ADelayOnTheLoopClockFiresAfterItsMonotonicDuration()
    {
        var host = new Host();
        ulong start = host.Backend.Now;
        var delay = Task.Delay(TimeSpan.FromMilliseconds(250), host.Loop.TimeProvider);
        host.Run(delay);
        Assert.True(host.Backend.Now - start >= 250_000_000UL, $"only {(host.Backend.Now - start) / 1e6} ms passed");
        Assert.Equal(1_000_000_000L, host.Loop.TimeProvider.TimestampFrequency);
    }

    [Fact]
    public void AWaitCompletesWhenItsPollableIsReadyAndNeverBefore()
    {
        var host = new Host();
        using var pollable = new Pollable(host.Backend, host.Backend.NewPollable());
        var wait = host.Loop.WaitAsync(pollable).AsTask();
        bool pendingWhenMadeReady = false;
        using var timer = host.Loop.TimeProvider.CreateTimer(_ =>
        {
            pendingWhenMadeReady = !wait.IsCompleted;
            host.Backend.ReadyHandles.Add(pollable.Handle);
        }, null, TimeSpan.FromMilliseconds(50), Timeout.InfiniteTimeSpan);
        host.Run(wait);
        Assert.True(pendingWhenMadeReady);
        Assert.Contains(host.Backend.PollCalls, call => call.Contains(pollable.Handle));
    }

    [Fact]
    public void TimersFireWhileAConnectionIsAlwaysReady()
    {
        var host = new Host();
        using var busy = new Pollable(host.Backend, host.Backend.NewPollable());
        host.Backend.ReadyHandles.Add(busy.Handle);
        long spins = 0;
        bool stop = false;
        async Task BusyReader()
        {
            while (!stop) { await host.Loop.WaitAsync(busy); spins++; }
        }
        var reader = BusyReader();
        var delay = Task.Delay(TimeSpan.FromMilliseconds(20), host.Loop.TimeProvider);
        // The clock only moves when poll returns; a busy reader makes the loop poll with zero timeout,
        // so advance virtual time per poll to model real time passing.
        host.Backend.AdvancePerPoll = 100_000; // 0.1 ms
        host.Run(delay);
        stop = true;
        host.Run(reader);
        Assert.True(spins > 10, $"the busy reader ran {spins} times");
    }

    [Fact]
    public void ACancelledWaitThrowsAndItsPollableIsNoLongerPolled()
    {
        var host = new Host();
        var pollable = new Pollable(host.Backend, host.Backend.NewPollable());
        int handle = pollable.Handle;
        using var cts = new CancellationTokenSource();
        var wait = host.Loop.WaitAsync(pollable, cts.Token).AsTask();
        cts.Cancel();
        Assert.True(wait.IsCanceled);
        pollable.Dispose(); // dropping after the cancelled wait must be safe: the loop no longer polls it
        var delay = Task.Delay(TimeSpan.FromMilliseconds(10), host.Loop.TimeProvider);
        host.Run(delay);
        Assert.Contains(handle, host.Backend.Dropped);
    }

    [Fact]
    public void AWaitOnAnAlreadyReadyPollableCompletesOnALoopTurnNotInsideTheCall()
    {
        var host = new Host();
        using var pollable = new Pollable(host.Backend, host.Backend.NewPollable());
        host.Backend.ReadyHandles.Add(pollable.Handle);
        var wait = host.Loop.WaitAsync(pollable);
        Assert.False(wait.IsCompleted);
        host.Run(wait.AsTask());
    }

    [Fact]
    public void YieldResumesOnALaterTurn()
    {
        var host = new Host();
        long before = host.Loop.Turns;
        var y = host.Loop.YieldAsync().AsTask();
        host.Run(y);
        Assert.True(host.Loop.Turns > before);
    }

    [Fact]
    public void NeverPollsAnEmptyListAndStopsWhenIdle()
    {
        var host = new Host();
        var delay = Task.Delay(TimeSpan.FromMilliseconds(30), host.Loop.TimeProvider);
        host.Run(delay);
        var y = host.Loop.YieldAsync().AsTask();
        host.Run(y);
        Assert.All(host.Backend.PollCalls, call => Assert.NotEmpty(call));
        // Nothing waits any more: the loop has stopped (a further yield restarts it).
        int polls = host.Backend.PollCalls.Count;
        host.Run(Task.CompletedTask);
        Assert.Equal(polls, host.Backend.PollCalls.Count);
    }
    [Fact]
    public void AnIdleLoopBlocksUntilTheNextTimerInsteadOfWakingEveryFewMilliseconds()
    {
        var host = new Host();
        using var idle = new Pollable(host.Backend, host.Backend.NewPollable()); // never ready
        var wait = host.Loop.WaitAsync(idle).AsTask();
        var delay = Task.Delay(TimeSpan.FromSeconds(1), host.Loop.TimeProvider);
        host.Run(delay);
        Assert.False(wait.IsCompleted);
        // One second with a connection waiting: a few blocking turns (each at most MaxBlock), not a wake-up every 4 ms.
        Assert.InRange(host.Loop.Turns, 1, 2 + (int)(TimeSpan.FromSeconds(1) / PollingEventLoop.MaxBlock) + 2);
        Assert.True(host.Loop.BlockingTurns >= 1);
    }

    [Fact]
    public void ManyWaitersCompleteExactlyWhenReadyAndCancelledOnesLeaveThePollList()
    {
        var host = new Host();
        var pollables = Enumerable.Range(0, 20).Select(_ => new Pollable(host.Backend, host.Backend.NewPollable())).ToArray();
        using var cts = new CancellationTokenSource();
        var waits = pollables.Select((p, i) => host.Loop.WaitAsync(p, i % 5 == 0 ? cts.Token : default).AsTask()).ToArray();
        cts.Cancel(); // 0, 5, 10, 15 leave from the middle of the waiter array
        int[] ready = [3, 7, 19, 11];
        foreach (int i in ready) host.Backend.ReadyHandles.Add(pollables[i].Handle);
        host.Run(Task.WhenAll(ready.Select(i => waits[i])));
        for (int i = 0; i < pollables.Length; i++)
        {
            if (i % 5 == 0) Assert.True(waits[i].IsCanceled, $"wait {i} should be cancelled");
            else if (ready.Contains(i)) Assert.True(waits[i].IsCompletedSuccessfully, $"wait {i} should be complete");
            else Assert.False(waits[i].IsCompleted, $"wait {i} completed although its pollable never was ready");
        }
        var cancelled = Enumerable.Range(0, 4).Select(k => pollables[5 * k].Handle).ToHashSet();
        Assert.All(host.Backend.PollCalls, call => Assert.DoesNotContain(call, h => cancelled.Contains(h)));
        Assert.Equal(pollables.Length - 4 - ready.Length, host.Loop.WaitingCount);
    }

    [Fact]
    public void WithHostTurnsATurnRunsOnlyWhenTheHostCallsBackOneRequestAtATimeAndAnIdleLoopAsksForNone()
    {
        SynchronizationContext.SetSynchronizationContext(null);
        var backend = new FakeClockBackend();
        int requested = 0;
        var loop = new PollingEventLoop(backend, () => requested++);
        using var pollable = new Pollable(backend, backend.NewPollable());
        backend.ReadyHandles.Add(pollable.Handle);

        var wait = loop.WaitAsync(pollable).AsTask();
        Assert.Equal(1, requested);
        Assert.False(wait.IsCompleted); // not inside the call that started the loop
        var second = loop.YieldAsync().AsTask();
        Assert.Equal(1, requested);     // already requested: no second request

        loop.RunHostTurn();
        Assert.True(wait.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(1, loop.Turns);

        // Nothing left to wait for: no further turn is requested, and a call nobody asked for does nothing.
        Assert.Equal(1, requested);
        loop.RunHostTurn();
        Assert.Equal(1, loop.Turns);

        // The next wait starts the loop again.
        var third = loop.YieldAsync().AsTask();
        Assert.Equal(2, requested);
        loop.RunHostTurn();
        Assert.True(third.IsCompletedSuccessfully);
    }

    [Fact]
    public void BlockingTurnsReuseOneClockPollableWhileTheNextTimerStaysTheSame()
    {
        SynchronizationContext.SetSynchronizationContext(null);
        var backend = new FakeClockBackend();
        int requested = 0;
        var loop = new PollingEventLoop(backend, () => requested++);
        using var pollable = new Pollable(backend, backend.NewPollable());
        var delay = Task.Delay(TimeSpan.FromMilliseconds(200), loop.TimeProvider); // the earliest timer throughout
        int completions = 0;
        async Task Reader()
        {
            while (completions < 5)
            {
                await loop.WaitAsync(pollable);
                backend.ReadyHandles.Remove(pollable.Handle);
                completions++;
            }
        }
        var reader = Reader();
        for (int turn = 0; turn < 100 && completions < 5; turn++)
        {
            Assert.Equal(1, requested);
            requested = 0;
            if (turn % 2 == 0) backend.ReadyHandles.Add(pollable.Handle); // bytes arrive every other turn
            loop.RunHostTurn();
        }
        Assert.True(reader.IsCompletedSuccessfully);
        Assert.False(delay.IsCompleted);
        Assert.True(loop.BlockingTurns >= 5, $"{loop.BlockingTurns} blocking turns");
        Assert.Equal(1, backend.InstantSubscriptions);
    }
}
