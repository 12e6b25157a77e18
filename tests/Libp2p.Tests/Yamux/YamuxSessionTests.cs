using System.Diagnostics;
using Libp2p.Core;
using Libp2p.Yamux;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static Libp2p.Tests.Yamux.YamuxTestData;

namespace Libp2p.Tests.Yamux;

public class YamuxSessionTests(ITestOutputHelper output)
{
    private static (YamuxSession Client, YamuxSession Server) CreatePair(YamuxOptions? options = null)
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        options ??= new YamuxOptions { KeepAliveInterval = null };
        var client = new YamuxSession(a, isInitiator: true, options);
        var server = new YamuxSession(b, isInitiator: false, options);
        client.Start();
        server.Start();
        return (client, server);
    }

    private static async Task EchoOnceAsync(YamuxSession session)
    {
        await using var stream = await session.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        var data = await ReadToEndAsync(stream);
        await WriteChunkedAsync(stream, data, 100_000);
        await stream.CloseWriteAsync();
    }

    [Fact]
    public async Task OpenAcceptEcho()
    {
        var (client, server) = CreatePair();
        await using var _c = client;
        await using var _s = server;
        var echo = EchoOnceAsync(server);

        await using var stream = await client.OpenStreamAsync().AsTask().WaitAsync(TestTimeout);
        await stream.WriteAsync("hello yamux"u8.ToArray()).AsTask().WaitAsync(TestTimeout);
        await stream.CloseWriteAsync();
        var reply = await ReadToEndAsync(stream);

        Assert.Equal("hello yamux"u8.ToArray(), reply);
        await echo.WaitAsync(TestTimeout);
        Assert.Equal(YamuxSession.ProtocolId, "/yamux/1.0.0");
    }

    [Fact]
    public async Task ClientUsesOddIdsAndServerEvenIds()
    {
        var (client, server) = CreatePair();
        await using var _c = client;
        await using var _s = server;
        var c1 = await client.OpenStreamAsync();
        var c2 = await client.OpenStreamAsync();
        var s1 = await server.OpenStreamAsync();
        var s2 = await server.OpenStreamAsync();
        Assert.Equal([1u, 3u, 2u, 4u], new[] { c1.Id, c2.Id, s1.Id, s2.Id });
        Assert.True(client.IsInitiator);
        Assert.False(server.IsInitiator);

        // The server-opened stream arrives at the client with the same id.
        var accepted = await client.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(2u, accepted.Id);
        Assert.False(accepted.IsOutbound);
    }

    [Fact]
    public async Task ManyConcurrentStreamsKeepTheirContentApart()
    {
        var (client, server) = CreatePair();
        await using var _c = client;
        await using var _s = server;
        const int streams = 64;
        var echoes = Enumerable.Range(0, streams).Select(_ => EchoOnceAsync(server)).ToArray();

        var clients = Enumerable.Range(0, streams).Select(async i =>
        {
            var data = Pattern(50_000 + i * 3_001, seed: i);
            await using var stream = await client.OpenStreamAsync();
            var send = Task.Run(async () =>
            {
                await WriteChunkedAsync(stream, data, 7_000 + i);
                await stream.CloseWriteAsync();
            });
            var reply = await ReadToEndAsync(stream);
            await send.WaitAsync(TestTimeout);
            Assert.Equal(data, reply);
        }).ToArray();

        await Task.WhenAll(clients).WaitAsync(TestTimeout);
        await Task.WhenAll(echoes).WaitAsync(TestTimeout);
        await WaitUntilAsync(() => client.StreamCount == 0 && server.StreamCount == 0);
    }

    [Fact]
    public async Task LargeTransferArrivesIntactAndGrowsTheWindow()
    {
        // Time stands still, so every window is "consumed within 2 RTTs" (0 <= 2 * 0) and growth is deterministic.
        var time = new FakeTimeProvider();
        var (client, server) = CreatePair(new YamuxOptions { KeepAliveInterval = null, TimeProvider = time });
        await using var _c = client;
        await using var _s = server;
        await server.PingAsync().AsTask().WaitAsync(TestTimeout); // the receiver needs an RTT to tune
        var data = Pattern(32 << 20, seed: 7);

        var sender = await client.OpenStreamAsync();
        var receiverTask = server.AcceptStreamAsync().AsTask();
        var stopwatch = Stopwatch.StartNew();
        var send = Task.Run(async () =>
        {
            await WriteChunkedAsync(sender, data, 1 << 20);
            await sender.CloseWriteAsync();
        });
        var receiver = await receiverTask.WaitAsync(TestTimeout);
        var received = await ReadToEndAsync(receiver);
        stopwatch.Stop();
        await send.WaitAsync(TestTimeout);

        Assert.Equal(data.Length, received.Length);
        Assert.True(data.AsSpan().SequenceEqual(received), "content differs");
        Assert.True(receiver.ReceiveWindow > YamuxOptions.SpecInitialWindowSize, $"window stayed at {receiver.ReceiveWindow}");
        output.WriteLine($"32 MiB over InMemoryDuplex: {data.Length / stopwatch.Elapsed.TotalSeconds / 1e6:F0} MB/s, final window {receiver.ReceiveWindow / 1024} KiB");
    }

    [Fact]
    public async Task HalfCloseWorksBothWays()
    {
        var (client, server) = CreatePair();
        await using var _c = client;
        await using var _s = server;
        var stream = await client.OpenStreamAsync();
        await stream.WriteAsync("request"u8.ToArray()).AsTask().WaitAsync(TestTimeout);
        await stream.CloseWriteAsync();

        var remote = await server.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal("request"u8.ToArray(), await ReadToEndAsync(remote)); // EOF after the client's FIN
        // The server can still write after the client half-closed.
        await remote.WriteAsync("response part 1, "u8.ToArray()).AsTask().WaitAsync(TestTimeout);
        await remote.WriteAsync("part 2"u8.ToArray()).AsTask().WaitAsync(TestTimeout);
        await remote.CloseWriteAsync();

        Assert.Equal("response part 1, part 2"u8.ToArray(), await ReadToEndAsync(stream));
        await Assert.ThrowsAsync<InvalidOperationException>(() => stream.WriteAsync(new byte[1]).AsTask());
        // Both FINs exchanged: the stream is gone on both sides.
        await WaitUntilAsync(() => client.StreamCount == 0 && server.StreamCount == 0);
        await stream.DisposeAsync();
        await remote.DisposeAsync();
    }

    [Fact]
    public async Task ResetFailsPendingAndLaterOperationsOnBothSides()
    {
        var (client, server) = CreatePair();
        await using var _c = client;
        await using var _s = server;
        var stream = await client.OpenStreamAsync();
        await stream.WriteAsync(new byte[10]).AsTask().WaitAsync(TestTimeout);
        var remote = await server.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(10, await remote.ReadAsync(new byte[100]).AsTask().WaitAsync(TestTimeout));
        var pendingRead = remote.ReadAsync(new byte[100]).AsTask();

        stream.Abort();

        await Assert.ThrowsAsync<YamuxStreamResetException>(() => pendingRead.WaitAsync(TestTimeout));
        await Assert.ThrowsAsync<YamuxStreamResetException>(() => remote.WriteAsync(new byte[1]).AsTask());
        await Assert.ThrowsAsync<YamuxStreamResetException>(() => stream.ReadAsync(new byte[1]).AsTask());
        await Assert.ThrowsAsync<YamuxStreamResetException>(() => stream.WriteAsync(new byte[1]).AsTask());
        await WaitUntilAsync(() => client.StreamCount == 0 && server.StreamCount == 0);
    }

    [Fact]
    public async Task GoAwayLetsExistingStreamsFinishAndRefusesNewOnes()
    {
        var (client, server) = CreatePair();
        var data = Pattern(4 << 20, seed: 3);
        var stream = await client.OpenStreamAsync();
        await stream.WriteAsync(data.AsMemory(0, 1000)).AsTask().WaitAsync(TestTimeout);
        var remote = await server.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);

        await server.GoAwayAsync().AsTask().WaitAsync(TestTimeout);
        await Assert.ThrowsAsync<YamuxSessionClosedException>(() => server.OpenStreamAsync().AsTask());
        await Assert.ThrowsAsync<YamuxSessionClosedException>(() => server.AcceptStreamAsync().AsTask());
        // The client learns of the GoAway and stops opening.
        await WaitUntilAsync(() =>
        {
            try { client.OpenStreamAsync().AsTask().Result.Abort(); return false; }
            catch (YamuxSessionClosedException) { return true; }
        });

        // The stream opened before the GoAway completes both ways.
        var echo = Task.Run(async () =>
        {
            var got = await ReadToEndAsync(remote);
            await WriteChunkedAsync(remote, got, 256 * 1024);
            await remote.CloseWriteAsync();
            await remote.DisposeAsync();
        });
        var send = Task.Run(async () =>
        {
            await WriteChunkedAsync(stream, data[1000..], 300_000);
            await stream.CloseWriteAsync();
        });
        var reply = await ReadToEndAsync(stream);
        await send.WaitAsync(TestTimeout);
        await echo.WaitAsync(TestTimeout);
        Assert.True(data.AsSpan(0, data.Length).SequenceEqual(reply), "content differs");
        await stream.DisposeAsync();

        // Drained: both sessions close down cleanly.
        await server.Completion.WaitAsync(TestTimeout);
        await client.Completion.WaitAsync(TestTimeout);
        await server.DisposeAsync();
        await client.DisposeAsync();
    }

    [Fact]
    public async Task PingMeasuresRoundTrip()
    {
        var (client, server) = CreatePair();
        await using var _c = client;
        await using var _s = server;
        var rtt = await client.PingAsync().AsTask().WaitAsync(TestTimeout);
        Assert.True(rtt >= TimeSpan.Zero);
        Assert.NotNull(client.LastRoundTripTime);
        await server.PingAsync().AsTask().WaitAsync(TestTimeout);
    }

    [Fact]
    public async Task DisposeEndsTheSessionAndFailsStreamsAndAcceptors()
    {
        var (client, server) = CreatePair();
        var stream = await client.OpenStreamAsync();
        var accept = client.AcceptStreamAsync().AsTask();
        var read = stream.ReadAsync(new byte[10]).AsTask();

        await client.DisposeAsync().AsTask().WaitAsync(TestTimeout);

        await Assert.ThrowsAsync<YamuxSessionClosedException>(() => accept.WaitAsync(TestTimeout));
        await Assert.ThrowsAsync<YamuxSessionClosedException>(() => read.WaitAsync(TestTimeout));
        await Assert.ThrowsAsync<YamuxSessionClosedException>(() => client.OpenStreamAsync().AsTask());
        await client.Completion.WaitAsync(TestTimeout);
        // The peer sees GoAway + EOF and ends cleanly too.
        await server.Completion.WaitAsync(TestTimeout);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task CancelledReadAndWriteLeaveTheStreamUsable()
    {
        var (client, server) = CreatePair();
        await using var _c = client;
        await using var _s = server;
        var stream = await client.OpenStreamAsync();
        using (var cts = new CancellationTokenSource())
        {
            var read = stream.ReadAsync(new byte[10], cts.Token).AsTask();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TestTimeout));
        }
        await stream.WriteAsync(new byte[] { 42 }).AsTask().WaitAsync(TestTimeout);
        var remote = await server.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        await remote.WriteAsync(new byte[] { 7 }).AsTask().WaitAsync(TestTimeout);
        var one = new byte[1];
        Assert.Equal(1, await stream.ReadAsync(one).AsTask().WaitAsync(TestTimeout));
        Assert.Equal(7, one[0]);
    }

    [Fact]
    public async Task MaxStreamsLimitsOpens()
    {
        var (client, server) = CreatePair(new YamuxOptions { KeepAliveInterval = null, MaxStreams = 2 });
        await using var _c = client;
        await using var _s = server;
        await client.OpenStreamAsync();
        await client.OpenStreamAsync();
        Assert.Throws<InvalidOperationException>(() => client.OpenStreamAsync().AsTask().GetAwaiter().GetResult());
        Assert.Equal(2, client.StreamCount);
    }
}
