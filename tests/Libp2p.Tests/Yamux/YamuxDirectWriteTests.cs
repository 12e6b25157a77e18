using System.Security.Cryptography;
using Libp2p.Core;
using Libp2p.Yamux;
using static Libp2p.Tests.Yamux.YamuxTestData;

namespace Libp2p.Tests.Yamux;

/// <summary>The writer role: a stream's write done by its caller when the pump is idle, handed to the pump when the connection blocks.</summary>
public class YamuxDirectWriteTests
{
    private static (YamuxSession Client, YamuxSession Server) CreatePair(long connectionBuffer)
    {
        var (a, b) = InMemoryDuplex.CreatePair(connectionBuffer);
        var options = new YamuxOptions { KeepAliveInterval = null };
        var client = new YamuxSession(a, isInitiator: true, options);
        var server = new YamuxSession(b, isInitiator: false, options);
        client.Start();
        server.Start();
        return (client, server);
    }

    [Fact]
    public async Task WritesWithAnIdlePumpCompleteSynchronously()
    {
        var (client, server) = CreatePair(1 << 22);
        await using var _c = client;
        await using var _s = server;
        var stream = await client.OpenStreamAsync().AsTask().WaitAsync(TestTimeout);
        await stream.WriteAsync(new byte[] { 1 }).AsTask().WaitAsync(TestTimeout);
        var accepted = await server.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(1, await accepted.ReadAsync(new byte[1]).AsTask().WaitAsync(TestTimeout));

        var data = RandomNumberGenerator.GetBytes(10 * 1000);
        int synchronous = 0;
        for (int i = 0; i < 10; i++)
        {
            var write = stream.WriteAsync(data.AsMemory(i * 1000, 1000));
            if (write.IsCompletedSuccessfully) synchronous++;
            await write.AsTask().WaitAsync(TestTimeout);
        }
        // Only the session's opening ping exchange can keep the pump busy for a moment.
        Assert.True(synchronous >= 8, $"{synchronous} of 10 writes completed synchronously");
        await stream.CloseWriteAsync();
        Assert.Equal(data, await ReadToEndAsync(accepted));
    }

    [Fact]
    public async Task AWriteBlockedOnTheConnectionIsFinishedByThePumpInOrder()
    {
        // The connection holds 16 KiB: a 200 KiB write cannot leave until the peer reads.
        var (client, server) = CreatePair(16 * 1024);
        await using var _c = client;
        await using var _s = server;
        var first = await client.OpenStreamAsync().AsTask().WaitAsync(TestTimeout);
        var second = await client.OpenStreamAsync().AsTask().WaitAsync(TestTimeout);
        var a = RandomNumberGenerator.GetBytes(200 * 1024);
        var b = RandomNumberGenerator.GetBytes(50 * 1024);

        // Completes once framed, while the connection write is still blocked (the server reads nothing yet).
        await first.WriteAsync(a).AsTask().WaitAsync(TestTimeout);
        var secondWrite = second.WriteAsync(b).AsTask();
        await first.CloseWriteAsync();

        var s1 = await server.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        var s2 = await server.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        var readSecond = ReadToEndAsync(s2);
        Assert.Equal(a, await ReadToEndAsync(s1));
        await secondWrite.WaitAsync(TestTimeout);
        await second.CloseWriteAsync();
        Assert.Equal(b, await readSecond.WaitAsync(TestTimeout));
    }
}
