using System.Diagnostics;
using System.Globalization;
using Libp2p.Multiformats;

namespace Libp2p.Bench;

/// <summary>Set-up time percentiles in milliseconds.</summary>
public sealed record SetupTimes(int Count, double MinMs, double MedianMs, double P95Ms, double MaxMs)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"n={Count}  min {MinMs:0.00} ms  median {MedianMs:0.00} ms  p95 {P95Ms:0.00} ms  max {MaxMs:0.00} ms");
}

/// <summary>
/// Connection set-up: from DialAsync (TCP connect, multistream-select, Noise XX, multistream-select,
/// Yamux) to the first ping reply on a fresh stream, one fresh connection each time (the address has
/// no <c>/p2p</c>, so nothing is reused), closed (GoAway) before the next one. Sequential, so each
/// figure is a latency, not a rate.
/// </summary>
public static class SetupBench
{
    public const int Warmup = 10;

    public static async Task<SetupTimes> MeasureAsync(Multiaddr listenerAddress, int count, bool enableIdentify = true)
    {
        var address = listenerAddress.WithoutPeerId();
        await using var host = Peers.CreateHost(enableIdentify: enableIdentify);
        var samples = new List<double>(count);
        for (int i = 0; i < Warmup + count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var connection = await host.DialAsync(address).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            await host.PingAsync(connection).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            await connection.CloseAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            if (i >= Warmup) samples.Add(ms);
        }
        return new SetupTimes(count, samples.Min(), Stats.Median(samples), Stats.Percentile(samples, 0.95), samples.Max());
    }
}
