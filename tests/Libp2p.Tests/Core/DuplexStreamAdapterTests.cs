using Libp2p.Core;

namespace Libp2p.Tests.Core;

public class DuplexStreamAdapterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task BytesWrittenThroughTheAdapterArriveAndHalfCloseReadsAsEndOfStream()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        await using var sa = a.AsStream();
        await using var sb = b.AsStream();

        await sa.WriteAsync("hello"u8.ToArray()).AsTask().WaitAsync(Timeout);
        await sa.CloseWriteAsync().AsTask().WaitAsync(Timeout);

        var got = new byte[5];
        await sb.ReadExactlyAsync(got).AsTask().WaitAsync(Timeout);
        Assert.Equal("hello"u8.ToArray(), got);
        Assert.Equal(0, await sb.ReadAsync(new byte[8]).AsTask().WaitAsync(Timeout));

        // Half-closed, not closed: the other direction still works.
        await sb.WriteAsync(new byte[] { 7 }, 0, 1).WaitAsync(Timeout);
        var one = new byte[1];
        Assert.Equal(1, await sa.ReadAsync(one, 0, 1).WaitAsync(Timeout));
        Assert.Equal(7, one[0]);
    }

    [Fact]
    public async Task AZeroByteReadWaitsForDataAndConsumesNothing()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var sb = b.AsStream();
        var wait = sb.ReadAsync(Memory<byte>.Empty).AsTask();
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);
        await a.WriteAsync(new byte[] { 1, 2 });
        Assert.Equal(0, await wait.WaitAsync(Timeout));
        Assert.Equal(2, await sb.ReadAsync(new byte[4]).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task SynchronousReadsAndWritesAreRefusedBecauseTheStackNeverBlocks()
    {
        var (a, _) = InMemoryDuplex.CreatePair();
        await using var s = a.AsStream();
        Assert.Throws<NotSupportedException>(() => s.Read(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => s.Write(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => s.Length);
        Assert.Throws<NotSupportedException>(() => s.Seek(0, SeekOrigin.Begin));
        Assert.False(s.CanSeek);
        Assert.True(s.CanRead && s.CanWrite);
    }

    [Fact]
    public async Task CancellingAPendingReadThrowsOperationCanceled()
    {
        var (a, _) = InMemoryDuplex.CreatePair();
        await using var s = a.AsStream();
        using var cts = new CancellationTokenSource();
        var read = s.ReadAsync(new byte[4], cts.Token).AsTask();
        Assert.False(read.IsCompleted);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Timeout));
    }

    [Fact]
    public async Task DisposeAsyncDisposesTheInnerStreamUnlessLeftOpen()
    {
        var owned = new RecordingStream();
        await owned.AsStream().DisposeAsync();
        Assert.Equal(1, owned.Disposals);

        var kept = new RecordingStream();
        var view = kept.AsStream(leaveOpen: true);
        await view.DisposeAsync();
        Assert.Equal(0, kept.Disposals);
        Assert.False(view.CanRead);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => view.ReadAsync(new byte[1]).AsTask());
    }

    [Fact]
    public void SynchronousDisposeStartsTheInnerDisposalWithoutWaitingForIt()
    {
        var inner = new RecordingStream { DisposeCompletion = new TaskCompletionSource() };
        var view = inner.AsStream();
        view.Dispose();                      // returns although the inner disposal is still pending
        Assert.Equal(1, inner.Disposals);
        view.Dispose();                      // idempotent
        Assert.Equal(1, inner.Disposals);
        inner.DisposeCompletion.SetResult();
    }

    [Fact]
    public async Task AbortAndCloseWriteReachTheInnerStream()
    {
        var inner = new RecordingStream();
        var view = inner.AsStream();
        await view.CloseWriteAsync();
        var reason = new IOException("x");
        view.Abort(reason);
        Assert.Equal(1, inner.WriteCloses);
        Assert.Same(reason, inner.AbortReason);
    }

    [Fact]
    public async Task MemoryOverloadsAllocateNothingPerCall()
    {
        var inner = new RecordingStream();
        var view = inner.AsStream();
        var buffer = new byte[16];
        for (int i = 0; i < 10; i++) { await view.WriteAsync(buffer.AsMemory()); _ = await view.ReadAsync(buffer.AsMemory()); }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            var w = view.WriteAsync(buffer.AsMemory());
            if (!w.IsCompletedSuccessfully) throw new InvalidOperationException("the fake completes synchronously");
            var r = view.ReadAsync(buffer.AsMemory());
            if (!r.IsCompletedSuccessfully) throw new InvalidOperationException("the fake completes synchronously");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(1010, inner.Writes);
    }

    /// <summary>Completes every call synchronously and counts them.</summary>
    private sealed class RecordingStream : IDuplexStream
    {
        public int Writes, WriteCloses, Disposals;
        public Exception? AbortReason;
        public TaskCompletionSource? DisposeCompletion;

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(buffer.Length);
        public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) { Writes++; return ValueTask.CompletedTask; }
        public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default) { WriteCloses++; return ValueTask.CompletedTask; }
        public void Abort(Exception? reason = null) => AbortReason = reason;
        public ValueTask DisposeAsync() { Disposals++; return DisposeCompletion is null ? ValueTask.CompletedTask : new ValueTask(DisposeCompletion.Task); }
    }
}
