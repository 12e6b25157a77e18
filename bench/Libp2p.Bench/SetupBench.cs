using System.Diagnostics;
using System.Globalization;
using Libp2p.Multiformats;

namespace Libp2p.Bench;

/// <summary>Set-up time percentiles in milliseconds.</summary>
public sealed record SetupTimes(int Count, double MinMs, double MedianMs, double P95Ms, double MaxMs,
    double TcpMedianMs, double UpgradeMedianMs, double PingMedianMs, double ColdMedianMs, double ColdMaxMs)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"cold (first {SetupBench.Warmup} dials of a new host): median {ColdMedianMs:0.00} ms  max {ColdMaxMs:0.00} ms\n" +
        $"      warm: n={Count}  min {MinMs:0.00} ms  median {MedianMs:0.00} ms  p95 {P95Ms:0.00} ms  max {MaxMs:0.00} ms\n" +
        $"      medians of the parts: plain TCP connect {TcpMedianMs:0.00} ms (separate sockets), DialAsync {UpgradeMedianMs:0.00} ms, first ping (new stream) {PingMedianMs:0.00} ms");
}

/// <summary>
/// Connection set-up: from DialAsync (TCP connect, multistream-select, Noise XX, multistream-select,
/// Yamux) to the first ping reply on a fresh stream, one fresh connection each time (the address has
/// no <c>/p2p</c>, so nothing is reused), closed (GoAway) before the next one. Sequential, so each
/// figure is a latency, not a rate. The first <see cref="Warmup"/> dials of the new host are reported apart
/// ("cold": the dialer's code paths and pools are fresh), the rest as "warm".
/// </summary>
public static class SetupBench
{
    public const int Warmup = 10;

    public static async Task<SetupTimes> MeasureAsync(Multiaddr listenerAddress, int count, bool enableIdentify = true, Libp2p.Security.ISecurityProtocol? security = null)
    {
        var address = listenerAddress.WithoutPeerId();
        await using var host = Peers.CreateHost(enableIdentify: enableIdentify, security: security);
        var samples = new List<double>(count);
        var dials = new List<double>(count);
        var pings = new List<double>(count);
        var cold = new List<double>(Warmup);
        for (int i = 0; i < Warmup + count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var connection = await host.DialAsync(address).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            long dialed = Stopwatch.GetTimestamp();
            await host.PingAsync(connection).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            long end = Stopwatch.GetTimestamp();
            await connection.CloseAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            if (i < Warmup)
            {
                cold.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                continue;
            }
            samples.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
            dials.Add(Stopwatch.GetElapsedTime(start, dialed).TotalMilliseconds);
            pings.Add(Stopwatch.GetElapsedTime(dialed, end).TotalMilliseconds);
        }
        double tcp = await TcpConnectMedianAsync(address, Math.Min(count, 50));
        return new SetupTimes(count, samples.Min(), Stats.Median(samples), Stats.Percentile(samples, 0.95), samples.Max(),
            tcp, Stats.Median(dials), Stats.Median(pings), Stats.Median(cold), cold.Max());
    }

    // The floor: a bare TCP connect to the same listener (which accepts it and then sees it close
    // during the upgrade; harmless).
    private static async Task<double> TcpConnectMedianAsync(Multiaddr address, int count)
    {
        var parts = address.ToString().Split('/');
        var endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Parse(parts[2]), int.Parse(parts[4], CultureInfo.InvariantCulture));
        var samples = new List<double>(count);
        for (int i = 0; i < count; i++)
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
                System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            long start = Stopwatch.GetTimestamp();
            await socket.ConnectAsync(endpoint).WaitAsync(TimeSpan.FromSeconds(30));
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return Stats.Median(samples);
    }
}
