using System.Collections.Concurrent;

namespace Libp2p.Tests.WasiSockets;

/// <summary>
/// Runs a test body on one dedicated thread with a queue as its <see cref="SynchronizationContext"/>: the shape of a
/// WASI component or of browser-wasm, where the transport, its event loop and the application share one thread.
/// <see cref="YieldToHost"/> is the host's "run what is queued, then come back" (Node's <c>setImmediate</c>) that
/// <see cref="Transport.WasiSockets.Scheduling.PollingEventLoop"/> needs.
/// </summary>
internal sealed class SingleThreadedLoop : SynchronizationContext
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();

    private SingleThreadedLoop() { }

    /// <summary>Runs <paramref name="body"/> on a new loop thread; fails when it does not finish within <paramref name="timeout"/>.</summary>
    public static async Task RunAsync(Func<Task> body, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var loop = new SingleThreadedLoop();
            SetSynchronizationContext(loop);
            Task task;
            try { task = body(); }
            catch (Exception e) { task = Task.FromException(e); }
            task.ContinueWith(_ => loop._queue.CompleteAdding(), TaskScheduler.Default);
            foreach (var (callback, state) in loop._queue.GetConsumingEnumerable())
            {
                try { callback(state); }
                catch (Exception e)
                {
                    // Only async void code throws out of a callback; it would otherwise end the process.
                    done.TrySetException(e);
                    loop._queue.CompleteAdding();
                }
            }
            if (task.Exception is { } error) done.TrySetException(error.InnerExceptions);
            else if (task.IsCanceled) done.TrySetCanceled();
            else done.TrySetResult();
        })
        { IsBackground = true, Name = "wasi-test-loop" };
        thread.Start();
        await done.Task.WaitAsync(timeout);
    }

    /// <summary>Completes after everything queued before it ran (the loop's <c>setImmediate</c>).</summary>
    public static Task YieldToHost()
    {
        var loop = Current as SingleThreadedLoop ?? throw new InvalidOperationException("not on a test loop thread");
        var yielded = new TaskCompletionSource();
        loop.Post(static s => ((TaskCompletionSource)s!).SetResult(), yielded);
        return yielded.Task;
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        // After the body ended, stray continuations (a loop turn still scheduled) have nowhere to run.
        try { _queue.Add((d, state)); }
        catch (InvalidOperationException) { }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Send would block the only thread");

    public override SynchronizationContext CreateCopy() => this;
}
