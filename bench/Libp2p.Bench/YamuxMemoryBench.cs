using System.Diagnostics;
using Libp2p.Core;
using Libp2p.Yamux;

namespace Libp2p.Bench;

/// <summary>
/// Yamux alone, over an in-memory pipe (no sockets, no crypto): the raw pipe as the ceiling, then one stream,
/// then 8 streams at once. What the muxer itself costs. (Moved here from the unit tests, which must not time.)
/// </summary>
public static class YamuxMemoryBench
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static async Task RunAsync(long total, Action<string> say)
    {
        var chunk = new byte[1 << 20];
        new Random(5).NextBytes(chunk);

        var (a, b) = InMemoryDuplex.CreatePair();
        say($"raw InMemoryDuplex          : {await MeasureAsync(a, b, chunk, total),8:0} MB/s");

        var (c, d) = InMemoryDuplex.CreatePair();
        var options = new YamuxOptions { KeepAliveInterval = null };
        await using var client = new YamuxSession(c, true, options);
        await using var server = new YamuxSession(d, false, options);
        client.Start();
        server.Start();
        await client.PingAsync().AsTask().WaitAsync(Timeout); // an RTT, so the windows can grow
        await server.PingAsync().AsTask().WaitAsync(Timeout);
        var (sender, receiver) = await OpenAsync(client, server, chunk);
        say($"Yamux, one stream           : {await MeasureAsync(sender, receiver, chunk, total),8:0} MB/s");

        var pairs = new List<(IDuplexStream, IDuplexStream)>();
        for (int i = 0; i < 8; i++) pairs.Add(await OpenAsync(client, server, chunk));
        long start = Stopwatch.GetTimestamp();
        await Task.WhenAll(pairs.Select(p => TransferAsync(p.Item1, p.Item2, chunk, total / 8))).WaitAsync(Timeout);
        say($"Yamux, 8 streams at once    : {total / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e6,8:0} MB/s");
    }

    private static async Task<(IDuplexStream, IDuplexStream)> OpenAsync(YamuxSession client, YamuxSession server, byte[] chunk)
    {
        var s = await client.OpenStreamAsync();
        await s.WriteAsync(chunk.AsMemory(0, 1)).AsTask().WaitAsync(Timeout);
        var accepted = await server.AcceptStreamAsync().AsTask().WaitAsync(Timeout);
        if (await accepted.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout) != 1) throw new InvalidOperationException("no first byte");
        return (s, accepted);
    }

    private static async Task<double> MeasureAsync(IDuplexStream writer, IDuplexStream reader, byte[] chunk, long total)
    {
        long start = Stopwatch.GetTimestamp();
        await TransferAsync(writer, reader, chunk, total).WaitAsync(Timeout);
        return total / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e6;
    }

    private static async Task TransferAsync(IDuplexStream writer, IDuplexStream reader, byte[] chunk, long total)
    {
        var write = Task.Run(async () =>
        {
            for (long sent = 0; sent < total; sent += chunk.Length)
                await writer.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, total - sent)));
        });
        var buffer = new byte[64 * 1024];
        long received = 0;
        while (received < total)
        {
            int n = await reader.ReadAsync(buffer);
            if (n == 0) throw new InvalidOperationException("EOF before the end of the transfer");
            received += n;
        }
        await write;
    }
}
