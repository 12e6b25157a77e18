using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Libp2p.Core;
using Libp2p.Yamux;

namespace Libp2p.Tests.Core;

/// <summary>The <see cref="IDuplexPipe"/> view of an <see cref="IDuplexStream"/>, over a Yamux stream and an in-memory pair.</summary>
public class DuplexStreamPipeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task BytesFlowBothWaysOverAYamuxStream()
    {
        await using var pair = await YamuxStreamPair.OpenAsync();
        await using var pipe = pair.Client.AsDuplexPipe();
        var data = Pattern(300_000);

        var sending = WriteAllAsync(pipe.Output, data, chunk: 10_000);
        var atServer = await ReadExactlyAsync(pair.Server, data.Length);
        await sending.WaitAsync(Timeout);
        await pair.Server.WriteAsync(Encoding.ASCII.GetBytes("reply")).AsTask().WaitAsync(Timeout);
        var reply = await ReadAtLeastAsync(pipe.Input, 5);

        Assert.Equal(data, atServer);
        Assert.Equal("reply", Encoding.ASCII.GetString(reply));
    }

    [Fact]
    public async Task CompletingOutputHalfClosesWhileInputKeepsReceiving()
    {
        await using var pair = await YamuxStreamPair.OpenAsync();
        await using var pipe = pair.Client.AsDuplexPipe();

        await pipe.Output.WriteAsync(Encoding.ASCII.GetBytes("last words")).AsTask().WaitAsync(Timeout);
        await pipe.Output.CompleteAsync();

        Assert.Equal("last words", Encoding.ASCII.GetString(await ReadToEndAsync(pair.Server)));
        await pair.Server.WriteAsync(Encoding.ASCII.GetBytes("still here")).AsTask().WaitAsync(Timeout);
        await pair.Server.CloseWriteAsync().AsTask().WaitAsync(Timeout);
        var rest = await ReadToEndAsync(pipe.Input);
        Assert.Equal("still here", Encoding.ASCII.GetString(rest));
    }

    [Fact]
    public async Task AResetStreamFailsTheReaderWithTheStreamsError()
    {
        await using var pair = await YamuxStreamPair.OpenAsync();
        await using var pipe = pair.Client.AsDuplexPipe();

        pair.Server.Abort();

        var e = await Assert.ThrowsAsync<YamuxStreamResetException>(() => pipe.Input.ReadAsync().AsTask().WaitAsync(Timeout));
        Assert.Equal(Libp2pError.StreamReset, e.Libp2pError);
    }

    [Fact]
    public async Task CompletingOutputWithAnErrorAbortsTheStream()
    {
        await using var pair = await YamuxStreamPair.OpenAsync();
        await using var pipe = pair.Client.AsDuplexPipe();

        await pipe.Output.CompleteAsync(new InvalidOperationException("application gave up"));

        var e = await Assert.ThrowsAsync<YamuxStreamResetException>(() => pair.Server.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));
        Assert.Equal(Libp2pError.StreamReset, e.Libp2pError);
    }

    [Fact]
    public async Task AWriteFailureSurfacesFromFlush()
    {
        var (a, _) = InMemoryDuplex.CreatePair();
        var failing = new FailingWrites(a, new Libp2pException(Libp2pError.ConnectionReset, "gone"));
        await using var pipe = failing.AsDuplexPipe();

        // The send loop's write fails; a flush after it reports that failure.
        var e = await Assert.ThrowsAsync<Libp2pException>(async () =>
        {
            for (int i = 0; i < 100; i++)
                await pipe.Output.WriteAsync(new byte[1000]).AsTask().WaitAsync(Timeout);
        });
        Assert.Same(failing.Error, e);
    }

    [Fact]
    public async Task PipeReaderHelpersWorkOnTheView()
    {
        // CopyToAsync and the pipe's own framing, the way System.IO.Pipelines code reads a stream.
        await using var pair = await YamuxStreamPair.OpenAsync();
        await using var pipe = pair.Client.AsDuplexPipe();
        var data = Pattern(100_000);
        var serverSide = Task.Run(async () =>
        {
            await pair.Server.WriteAsync(data).AsTask().WaitAsync(Timeout);
            await pair.Server.CloseWriteAsync().AsTask().WaitAsync(Timeout);
        });

        var copy = new MemoryStream();
        await pipe.Input.CopyToAsync(copy).WaitAsync(Timeout);
        await serverSide.WaitAsync(Timeout);

        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task DisposingTheViewSendsWhatWasFlushedAndDisposesTheStreamUnlessLeftOpen()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var tracked = new DisposeTracking(a);
        var pipe = tracked.AsDuplexPipe();
        await pipe.Output.WriteAsync(Encoding.ASCII.GetBytes("bye")).AsTask().WaitAsync(Timeout);

        await pipe.DisposeAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal("bye", Encoding.ASCII.GetString(await ReadToEndAsync(b)));
        Assert.True(tracked.Disposed);

        var (c, _) = InMemoryDuplex.CreatePair();
        var open = new DisposeTracking(c);
        await open.AsDuplexPipe(leaveOpen: true).DisposeAsync().AsTask().WaitAsync(Timeout);
        Assert.False(open.Disposed);
    }

    [Fact]
    public async Task AnIdleViewHoldsNoInputBuffer()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var pool = new CountingPool();
        await using var pipe = a.AsDuplexPipe(new PipeOptions(pool: pool, useSynchronizationContext: false));
        var read = pipe.Input.ReadAsync().AsTask();
        // Nothing has arrived: the receive loop is parked in its zero-byte read, without a segment.
        Assert.Equal(0, pool.Rented);

        await b.WriteAsync(new byte[] { 1, 2, 3 }).AsTask().WaitAsync(Timeout);
        var result = await read.WaitAsync(Timeout);
        Assert.Equal(3, result.Buffer.Length);
        Assert.Equal(1, pool.Rented);
        pipe.Input.AdvanceTo(result.Buffer.End);
    }

    private static byte[] Pattern(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }

    private static async Task WriteAllAsync(PipeWriter writer, byte[] data, int chunk)
    {
        for (int offset = 0; offset < data.Length; offset += chunk)
        {
            var flushed = await writer.WriteAsync(data.AsMemory(offset, Math.Min(chunk, data.Length - offset))).AsTask().WaitAsync(Timeout);
            Assert.False(flushed.IsCompleted);
        }
    }

    private static async Task<byte[]> ReadAtLeastAsync(PipeReader reader, int count)
    {
        var result = await reader.ReadAtLeastAsync(count).AsTask().WaitAsync(Timeout);
        var bytes = result.Buffer.Slice(0, count).ToArray();
        reader.AdvanceTo(result.Buffer.GetPosition(count));
        return bytes;
    }

    private static async Task<byte[]> ReadToEndAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(Timeout);
            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(IDuplexStream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Timeout);
        return buffer;
    }

    private static async Task<byte[]> ReadToEndAsync(IDuplexStream stream)
    {
        var output = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout)) > 0) output.Write(buffer, 0, n);
        return output.ToArray();
    }

    private sealed class DisposeTracking(IDuplexStream inner) : IDuplexStream
    {
        public bool Disposed { get; private set; }
        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
        public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default) => inner.CloseWriteAsync(cancellationToken);
        public void Abort(Exception? reason = null) => inner.Abort(reason);
        public ValueTask DisposeAsync() { Disposed = true; return inner.DisposeAsync(); }
    }

    private sealed class FailingWrites(IDuplexStream inner, Exception error) : IDuplexStream
    {
        public Exception Error => error;
        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException(error);
        public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default) => inner.CloseWriteAsync(cancellationToken);
        public void Abort(Exception? reason = null) => inner.Abort(reason);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private sealed class CountingPool : MemoryPool<byte>
    {
        private int _rented;
        public int Rented => Volatile.Read(ref _rented);
        public override int MaxBufferSize => 1 << 20;
        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            Interlocked.Increment(ref _rented);
            return Shared.Rent(minBufferSize);
        }
        protected override void Dispose(bool disposing) { }
    }
}

/// <summary>Two Yamux sessions over an in-memory pair and one stream between them.</summary>
internal sealed class YamuxStreamPair : IAsyncDisposable
{
    private YamuxSession _client = null!;
    private YamuxSession _server = null!;

    public IDuplexStream Client { get; private set; } = null!;
    public IDuplexStream Server { get; private set; } = null!;

    public static async Task<YamuxStreamPair> OpenAsync()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var options = new YamuxOptions { KeepAliveInterval = null };
        var pair = new YamuxStreamPair
        {
            _client = new YamuxSession(a, isInitiator: true, options),
            _server = new YamuxSession(b, isInitiator: false, options),
        };
        pair._client.Start();
        pair._server.Start();
        pair.Client = await pair._client.OpenStreamAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        pair.Server = await pair._server.AcceptStreamAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }
}
