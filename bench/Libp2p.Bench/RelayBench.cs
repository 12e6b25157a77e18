using System.Diagnostics;
using System.Globalization;
using Libp2p.Host;
using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Relay;

namespace Libp2p.Bench;

/// <summary>
/// A relayed connection against a direct one, three C# hosts in this process over loopback TCP: a relay (hop
/// service without circuit limits, as a private relay would run; its default 16 KiB copy buffers), a target reachable through it (and directly), and a
/// dialer. Throughput: <c>/perf/1.0.0</c> up and down on one connection (median of the runs, after a warm-up).
/// Set-up: dial to first ping on a fresh connection each time (for the circuit: hop CONNECT, STOP, then Noise and
/// Yamux end to end over the relay's streams; the dialer's TCP connection to the relay stays open, as it would).
/// </summary>
public static class RelayBench
{
    private static readonly TimeSpan T = TimeSpan.FromMinutes(5);

    public static async Task RunAsync(long bytes, int runs, int setupCount, Action<string> line)
    {
        await using var relay = Host(enablePerf: false);
        var relayAddress = (await relay.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")))[0].WithPeerId(relay.PeerId);
        await using var service = relay.StartRelayService(new RelayServiceOptions { Limit = null });

        await using var target = Host(enablePerf: true);
        var direct = (await target.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")))[0];
        await target.ListenAsync(CircuitAddress.ListenAddress(relayAddress)).AsTask().WaitAsync(T);
        var circuit = CircuitAddress.DialAddress(relayAddress, target.PeerId);

        await using var dialer = Host(enablePerf: false);
        var viaRelay = await dialer.DialAsync(circuit).AsTask().WaitAsync(T);
        if (!viaRelay.IsLimited) throw new InvalidOperationException("the circuit connection is not marked limited");
        var relayed = await ThroughputAsync(dialer, viaRelay, bytes, runs);
        await viaRelay.CloseAsync();
        // A connection to the target without /p2p in the address: a new direct one, not the relayed one.
        var directConnection = await dialer.DialAsync(direct).AsTask().WaitAsync(T);
        var straight = await ThroughputAsync(dialer, directConnection, bytes, runs);
        await directConnection.CloseAsync();
        line($"perf {bytes >> 20} MiB each way x{runs} (median), all three hosts in this process:");
        line($"  direct          : {straight}");
        line($"  through a relay : {relayed}   ({relayed.UploadMBps / straight.UploadMBps:0.00}x / {relayed.DownloadMBps / straight.DownloadMBps:0.00}x of direct)");

        var directSetup = await SetupAsync(dialer, direct, setupCount);
        var relayedSetup = await SetupAsync(dialer, circuit, setupCount);
        line($"dial to first ping, fresh connection each time, n={setupCount} after {SetupBench.Warmup} warm-up dials:");
        line($"  direct          : {directSetup}");
        line($"  through a relay : {relayedSetup}   (the relay connection stays open; {relayedSetup.Median / directSetup.Median:0.00}x of direct)");
        line($"relay service: {service.Stats}");
    }

    private static Libp2pHost Host(bool enablePerf)
    {
        // Limits lifted, as for the bench's other hosts (docs/benchmarks.md): the set-up loop dials 120 connections.
        var options = new HostOptions { EnablePerf = enablePerf, IdleTimeout = null, Limits = ResourceLimits.Unlimited() };
        options.Transports.Add(new Libp2p.Transports.Tcp.TcpTransport());
        options.AddCircuitRelay();
        return new Libp2pHost(options);
    }

    private static async Task<Throughput> ThroughputAsync(Libp2pHost host, Connection connection, long bytes, int runs)
    {
        await PerfAsync(host, connection, PerfBench.WarmupBytes, PerfBench.WarmupBytes);
        var up = new List<double>();
        var down = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            up.Add(await PerfAsync(host, connection, bytes, 0));
            down.Add(await PerfAsync(host, connection, 0, bytes));
        }
        return new Throughput(Stats.Median(up), Stats.Median(down));
    }

    private static async Task<double> PerfAsync(Libp2pHost host, Connection connection, long up, long down)
    {
        long start = Stopwatch.GetTimestamp();
        var r = await host.PerfAsync(connection, (ulong)up, (ulong)down).AsTask().WaitAsync(T);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (r.UploadBytes != (ulong)up || r.DownloadBytes != (ulong)down)
            throw new InvalidOperationException($"perf moved {r.UploadBytes}/{r.DownloadBytes} bytes, expected {up}/{down}");
        return Math.Max(up, down) / 1e6 / seconds;
    }

    private sealed record Latencies(double Median, double P95, double Max)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"median {Median:0.00} ms  p95 {P95:0.00} ms  max {Max:0.00} ms");
    }

    private static async Task<Latencies> SetupAsync(Libp2pHost host, Multiaddr address, int count)
    {
        var samples = new List<double>(count);
        for (int i = 0; i < SetupBench.Warmup + count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var connection = await host.DialAsync(address).AsTask().WaitAsync(T);
            await host.PingAsync(connection).AsTask().WaitAsync(T);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            await connection.CloseAsync().AsTask().WaitAsync(T);
            if (i >= SetupBench.Warmup) samples.Add(ms);
        }
        return new Latencies(Stats.Median(samples), Stats.Percentile(samples, 0.95), samples.Max());
    }
}
