using Libp2p.Tests.Noise;
using Libp2p.Yamux;
using static Libp2p.Tests.Yamux.YamuxTestData;

namespace Libp2p.Tests.Yamux;

/// <summary>
/// Where received payloads go: straight into a waiting reader's buffer (what Noise already holds) or through the
/// stream's ring. Over Noise, as in the host, so both routes and the splits between them are taken.
/// </summary>
public class YamuxReceivePathTests
{
    private static async Task<(YamuxSession Client, YamuxSession Server, YamuxStream Sender, YamuxStream Receiver)> OpenOverNoiseAsync()
    {
        var (a, b) = NoiseTestPairs.Connected(bufferBytes: 4 << 20);
        var options = new YamuxOptions { KeepAliveInterval = null };
        var client = new YamuxSession(a, isInitiator: true, options);
        var server = new YamuxSession(b, isInitiator: false, options);
        client.Start();
        server.Start();
        var sender = await client.OpenStreamAsync().AsTask().WaitAsync(TestTimeout);
        await sender.WriteAsync(new byte[] { 7 }).AsTask().WaitAsync(TestTimeout);
        var receiver = await server.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(1, await receiver.ReadAsync(new byte[1]).AsTask().WaitAsync(TestTimeout));
        return (client, server, sender, receiver);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(65519)]
    [InlineData(256 * 1024)]
    public async Task PayloadsArriveIntactWhateverTheReadSize(int readSize)
    {
        var (client, server, sender, receiver) = await OpenOverNoiseAsync();
        await using var _c = client;
        await using var _s = server;
        var data = Pattern(6 << 20, seed: readSize);
        var write = Task.Run(async () =>
        {
            await WriteChunkedAsync(sender, data, 300 * 1024);
            await sender.CloseWriteAsync();
        });
        var received = new MemoryStream();
        var buffer = new byte[readSize];
        while (true)
        {
            int n = await receiver.ReadAsync(buffer).AsTask().WaitAsync(TestTimeout);
            if (n == 0) break;
            received.Write(buffer, 0, n);
        }
        await write.WaitAsync(TestTimeout);
        Assert.Equal(data, received.ToArray());
        if (readSize >= 65519)
        {
            // Readers large enough for whole Noise frames get most bytes without the ring in between.
            Assert.True(receiver.BytesReadDirectly > 0, "no payload went straight into a waiting read");
        }
        Assert.False(receiver.HoldsReceiveBuffer);
    }

    [Fact]
    public async Task ReadsCancelledWhilePayloadsArriveLoseAndDuplicateNothing()
    {
        var (client, server, sender, receiver) = await OpenOverNoiseAsync();
        await using var _c = client;
        await using var _s = server;
        var data = Pattern(4 << 20, seed: 99);
        var write = Task.Run(async () =>
        {
            await WriteChunkedAsync(sender, data, 200 * 1024);
            await sender.CloseWriteAsync();
        });
        var received = new MemoryStream();
        var buffer = new byte[128 * 1024];
        var random = new Random(3);
        int cancelled = 0;
        var deadline = DateTime.UtcNow + TestTimeout;
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "transfer did not finish in time");
            using var cts = new CancellationTokenSource();
            var read = receiver.ReadAsync(buffer, cts.Token).AsTask();
            if (random.Next(3) == 0) cts.Cancel(); // races the read loop filling this very read
            int n;
            try { n = await read.WaitAsync(TestTimeout); }
            catch (OperationCanceledException)
            {
                cancelled++;
                continue;
            }
            if (n == 0) break;
            received.Write(buffer, 0, n);
        }
        await write.WaitAsync(TestTimeout);
        Assert.Equal(data, received.ToArray());
        Assert.True(cancelled > 0, "no read was cancelled");
    }

    [Fact]
    public async Task AResetDuringTransferFailsThePendingReadPromptly()
    {
        var (client, server, sender, receiver) = await OpenOverNoiseAsync();
        await using var _c = client;
        await using var _s = server;
        var buffer = new byte[256 * 1024];
        // Keep the peer sending; the receiver's read is pending or being filled when it aborts.
        using var stop = new CancellationTokenSource();
        var write = Task.Run(async () =>
        {
            var chunk = Pattern(64 * 1024, seed: 1);
            try { while (!stop.IsCancellationRequested) await sender.WriteAsync(chunk, stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or YamuxStreamResetException or YamuxSessionClosedException) { }
        });
        Assert.True(await receiver.ReadAsync(buffer).AsTask().WaitAsync(TestTimeout) > 0);
        var pending = receiver.ReadAsync(buffer).AsTask();
        receiver.Abort();
        await Assert.ThrowsAsync<YamuxStreamResetException>(async () =>
        {
            // Either it had completed with data just before the reset, or it fails with the reset now.
            if (await pending.WaitAsync(TestTimeout) > 0) await receiver.ReadAsync(buffer).AsTask().WaitAsync(TestTimeout);
        });
        // The ring goes back to the pool once the read loop has finished the payload it was filling, if any.
        await WaitUntilAsync(() => !receiver.HoldsReceiveBuffer);
        stop.Cancel();
        await write.WaitAsync(TestTimeout);
    }
}
