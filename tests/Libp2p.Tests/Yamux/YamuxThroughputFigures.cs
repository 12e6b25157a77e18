using System.Diagnostics;
using Libp2p.Core;
using Libp2p.Yamux;
using Xunit.Abstractions;
using static Libp2p.Tests.Yamux.YamuxTestData;

namespace Libp2p.Tests.Yamux;

/// <summary>Prints throughput figures (no timed assertion): the raw in-memory pipe as a baseline, then Yamux over it.</summary>
public class YamuxThroughputFigures(ITestOutputHelper output)
{
    private const int Total = 128 << 20;

    [Fact]
    public async Task PrintThroughput()
    {
        var chunk = Pattern(1 << 20, seed: 5);

        var (a, b) = InMemoryDuplex.CreatePair();
        double raw = await MeasureAsync(a, b, chunk);
        output.WriteLine($"raw InMemoryDuplex:            {raw:F0} MB/s");

        var (c, d) = InMemoryDuplex.CreatePair();
        var options = new YamuxOptions { KeepAliveInterval = null };
        await using var client = new YamuxSession(c, true, options);
        await using var server = new YamuxSession(d, false, options);
        client.Start();
        server.Start();
        await client.PingAsync().AsTask().WaitAsync(TestTimeout);
        await server.PingAsync().AsTask().WaitAsync(TestTimeout);
        var sender = await client.OpenStreamAsync();
        var receiver = server.AcceptStreamAsync().AsTask();
        await sender.WriteAsync(chunk.AsMemory(0, 1)).AsTask().WaitAsync(TestTimeout);
        var r = await receiver.WaitAsync(TestTimeout);
        Assert.Equal(1, await r.ReadAsync(new byte[1]).AsTask().WaitAsync(TestTimeout));
        double yamux = await MeasureAsync(sender, r, chunk);
        output.WriteLine($"Yamux, one stream:             {yamux:F0} MB/s (receive window {r.ReceiveWindow / 1024} KiB)");

        var pairs = new List<(IDuplexStream, IDuplexStream)>();
        for (int i = 0; i < 8; i++)
        {
            var s = await client.OpenStreamAsync();
            await s.WriteAsync(chunk.AsMemory(0, 1)).AsTask().WaitAsync(TestTimeout);
            var acc = await server.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
            Assert.Equal(1, await acc.ReadAsync(new byte[1]).AsTask().WaitAsync(TestTimeout));
            pairs.Add((s, acc));
        }
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(pairs.Select(p => TransferAsync(p.Item1, p.Item2, chunk, Total / 8))).WaitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine($"Yamux, 8 streams concurrently: {Total / stopwatch.Elapsed.TotalSeconds / 1e6:F0} MB/s");
    }

    private static async Task<double> MeasureAsync(IDuplexStream writer, IDuplexStream reader, byte[] chunk)
    {
        var stopwatch = Stopwatch.StartNew();
        await TransferAsync(writer, reader, chunk, Total).WaitAsync(TimeSpan.FromSeconds(120));
        return Total / stopwatch.Elapsed.TotalSeconds / 1e6;
    }

    private static async Task TransferAsync(IDuplexStream writer, IDuplexStream reader, byte[] chunk, int total)
    {
        var write = Task.Run(async () =>
        {
            for (int sent = 0; sent < total; sent += chunk.Length)
                await writer.WriteAsync(chunk);
        });
        var buffer = new byte[64 * 1024];
        long received = 0;
        while (received < total)
        {
            int n = await reader.ReadAsync(buffer);
            Assert.True(n > 0);
            received += n;
        }
        await write;
    }
}
