using System.Buffers.Binary;
using Libp2p.Core;
using Libp2p.Protocols.Perf;

namespace Libp2p.Tests.Protocols;

public class PerfProtocolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EightMebibytesUpSixteenDownAreCountedExactly()
    {
        var (client, server) = InMemoryDuplex.CreatePair();
        Task handler = PerfProtocol.HandleAsync(server);

        PerfResult result = await PerfProtocol.RunAsync(client, 8UL << 20, 16UL << 20, TimeProvider.System)
            .AsTask().WaitAsync(Timeout);
        await handler.WaitAsync(Timeout);

        Assert.Equal(8UL << 20, result.UploadBytes);
        Assert.Equal(16UL << 20, result.DownloadBytes);
    }

    [Fact]
    public async Task ZeroUploadAndZeroDownloadAreValid()
    {
        var (client, server) = InMemoryDuplex.CreatePair();
        Task handler = PerfProtocol.HandleAsync(server);

        PerfResult result = await PerfProtocol.RunAsync(client, 0, 0, TimeProvider.System).AsTask().WaitAsync(Timeout);
        await handler.WaitAsync(Timeout);

        Assert.Equal(0UL, result.UploadBytes);
        Assert.Equal(0UL, result.DownloadBytes);
    }

    [Fact]
    public async Task ClientSendsTheBigEndianSizeThenTheUploadThenClosesWrite()
    {
        var (client, server) = InMemoryDuplex.CreatePair();
        Task<PerfResult> run = PerfProtocol.RunAsync(client, 100, 3, TimeProvider.System).AsTask();

        byte[] received = new byte[8 + 100];
        await server.ReadExactlyAsync(received).AsTask().WaitAsync(Timeout);
        Assert.Equal(0, await server.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));
        Assert.Equal(3UL, BinaryPrimitives.ReadUInt64BigEndian(received));

        await server.WriteAsync(new byte[3]).AsTask().WaitAsync(Timeout);
        await server.CloseWriteAsync();
        PerfResult result = await run.WaitAsync(Timeout);
        Assert.Equal(3UL, result.DownloadBytes);
    }

    [Fact]
    public async Task ServerHandlesAnUploadShorterThanOneChunkAndTheHeaderSplitAcrossWrites()
    {
        var (client, server) = InMemoryDuplex.CreatePair();
        Task handler = PerfProtocol.HandleAsync(server);
        byte[] header = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(header, 70_000);

        await client.WriteAsync(header.AsMemory(0, 3)).AsTask().WaitAsync(Timeout);
        await client.WriteAsync(header.AsMemory(3)).AsTask().WaitAsync(Timeout);
        await client.WriteAsync(new byte[5]).AsTask().WaitAsync(Timeout);
        await client.CloseWriteAsync();

        long total = 0;
        var buffer = new byte[65536];
        int n;
        while ((n = await client.ReadAsync(buffer).AsTask().WaitAsync(Timeout)) > 0)
        {
            Assert.All(buffer.AsSpan(0, n).ToArray(), b => Assert.Equal(0, b)); // zeros, never stale pooled data
            total += n;
        }
        Assert.Equal(70_000, total);
        await handler.WaitAsync(Timeout);
    }

    [Fact]
    public async Task ServerServesAMaximalRequestThroughOneBufferUntilCancelled()
    {
        // The spec allows max uint64 (the timed download variant): memory must not grow with it.
        byte[] header = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(header, ulong.MaxValue);
        using var cts = new CancellationTokenSource();
        var stream = new SourceSinkStream(header, readable: 8 + (1UL << 20), cancelAfterWritten: 256UL << 20, cts);

        long before = GC.GetAllocatedBytesForCurrentThread();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PerfProtocol.HandleAsync(stream, cts.Token).WaitAsync(Timeout));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(stream.Written >= 256UL << 20);
        Assert.False(stream.WriteClosed);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated to send {stream.Written}");
    }

    [Fact]
    public async Task ServerRejectsAStreamClosedBeforeTheSizeArrives()
    {
        var (client, server) = InMemoryDuplex.CreatePair();
        Task handler = PerfProtocol.HandleAsync(server);
        await client.WriteAsync(new byte[5]).AsTask().WaitAsync(Timeout);
        await client.CloseWriteAsync();

        var ex = await Assert.ThrowsAsync<PerfException>(() => handler.WaitAsync(Timeout));
        Assert.Contains("5 of the 8", ex.Message);
    }

    [Fact]
    public async Task ClientRejectsAShortDownload()
    {
        var (client, server) = InMemoryDuplex.CreatePair();
        Task<PerfResult> run = PerfProtocol.RunAsync(client, 0, 1000, TimeProvider.System).AsTask();
        await server.ReadExactlyAsync(new byte[8]).AsTask().WaitAsync(Timeout);
        await server.WriteAsync(new byte[999]).AsTask().WaitAsync(Timeout);
        await server.CloseWriteAsync();

        var ex = await Assert.ThrowsAsync<PerfException>(() => run.WaitAsync(Timeout));
        Assert.Contains("999 of the 1000", ex.Message);
    }

    [Fact]
    public async Task ClientRejectsALongDownload()
    {
        var (client, server) = InMemoryDuplex.CreatePair();
        Task<PerfResult> run = PerfProtocol.RunAsync(client, 0, 10, TimeProvider.System).AsTask();
        await server.ReadExactlyAsync(new byte[8]).AsTask().WaitAsync(Timeout);
        await server.WriteAsync(new byte[11]).AsTask().WaitAsync(Timeout);
        await server.CloseWriteAsync();

        await Assert.ThrowsAsync<PerfException>(() => run.WaitAsync(Timeout));
    }

    [Fact]
    public async Task ProgressIsReportedAtMostOncePerIntervalOfTheInjectedClock()
    {
        // Each timestamp read moves the clock 30 ms: the client reads it about once per chunk.
        var time = new SteppingTimeProvider(TimeSpan.FromMilliseconds(30));
        var (client, server) = InMemoryDuplex.CreatePair();
        Task handler = PerfProtocol.HandleAsync(server);
        var reports = new List<(ulong Up, ulong Down, long At)>();

        PerfResult result = await PerfProtocol.RunAsync(client, 4UL << 20, 4UL << 20, time,
            (up, down) => reports.Add((up, down, time.Current))).AsTask().WaitAsync(Timeout);
        await handler.WaitAsync(Timeout);

        Assert.NotEmpty(reports);
        for (int i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].At - reports[i - 1].At >= TimeSpan.FromMilliseconds(100).Ticks);
            Assert.True(reports[i].Up >= reports[i - 1].Up && reports[i].Down >= reports[i - 1].Down);
        }
        Assert.Contains(reports, r => r.Down > 0);
        Assert.All(reports, r => Assert.True(r.Up <= result.UploadBytes && r.Down <= result.DownloadBytes));
    }

    /// <summary>A clock in ticks (100 ns) that advances a fixed step on every read.</summary>
    private sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
    {
        private long _now;
        public long Current => Volatile.Read(ref _now);
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Add(ref _now, step.Ticks);
    }
}
