using Libp2p.Transport.WasiSockets.Scheduling;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Tests.WasiSockets;

/// <summary>
/// The loop's reusable waiters when the awaiting code runs under a SynchronizationContext (as Blazor components or
/// these tests do): the continuation is posted and takes its result later, so a waiter must not be re-armed for
/// somebody else in between.
/// </summary>
public class PollingEventLoopContextTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public Task ConcurrentYieldersUnderAContextEachGetTheirOwnResult() => SingleThreadedLoop.RunAsync(async () =>
    {
        var backend = new FakeClockBackend();
        var loop = new PollingEventLoop(backend, SingleThreadedLoop.YieldToHost);

        async Task YieldMany()
        {
            for (int i = 0; i < 50; i++) await loop.YieldAsync();
        }

        await Task.WhenAll(YieldMany(), YieldMany(), YieldMany());
    }, Timeout);

    [Fact]
    public Task AWaitOnAPollableWhoseLastWaiterHasNotTakenItsResultGetsItsOwnWaiter() => SingleThreadedLoop.RunAsync(async () =>
    {
        var backend = new FakeClockBackend();
        var loop = new PollingEventLoop(backend, SingleThreadedLoop.YieldToHost);
        var first = ReadyPollable(backend);
        var shared = ReadyPollable(backend);

        // One turn completes both waits; their continuations are posted in that order. The first one's continuation
        // waits on `shared` again before the second's continuation has taken its result from `shared`'s waiter.
        async Task WaitFirstThenShared()
        {
            await loop.WaitAsync(first);
            await loop.WaitAsync(shared);
        }
        async Task WaitShared() => await loop.WaitAsync(shared);

        await Task.WhenAll(WaitFirstThenShared(), WaitShared());
    }, Timeout);

    private static Pollable ReadyPollable(FakeClockBackend backend)
    {
        int handle = backend.NewPollable();
        backend.ReadyHandles.Add(handle);
        return new Pollable(backend, handle);
    }
}
