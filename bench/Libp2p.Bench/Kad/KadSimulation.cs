using System.Diagnostics;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Kad;
using Libp2p.Kad.Lookups;
using Libp2p.Kad.Records;

namespace Libp2p.Bench.Kad;

/// <summary>
/// The DHT at scale, in one process: N full nodes (Noise, Yamux, the DHT) on <see cref="SimNetwork"/>, each joined
/// through one random node that joined before it. Measures FIND_NODE of live peers and GET_VALUE of stored <c>/pk/</c> records: success,
/// hops, requests and latency per lookup, and how full the routing tables are; then again after a fifth of the
/// nodes vanished without notice.
/// </summary>
internal sealed class KadSimulation(int nodeCount, int lookups, int records, int seed, Action<string> say)
{
    private readonly Random _random = new(seed);
    private readonly List<Node> _nodes = [];
    private static readonly AsyncLocal<List<LookupStats>?> s_current = new();

    public sealed record Node(ulong Id, Libp2pHost Host, KadDht Dht, SimTransport Transport, PrivateKey Key);

    public sealed record Phase(string Name, Figures FindNode, Figures GetValue, double TableFill, double MeanTableSize);

    public sealed record Figures(int Attempts, int Successes, double MedianHops, double P99Hops, double MedianQueries,
        double P99Queries, double MedianMs, double P99Ms, int Local)
    {
        public double SuccessRate => Attempts == 0 ? double.NaN : (double)Successes / Attempts;

        public override string ToString() =>
            $"success {Successes}/{Attempts} ({SuccessRate * 100:0.0}%), hops median {MedianHops:0} p99 {P99Hops:0}, " +
            $"requests median {MedianQueries:0} p99 {P99Queries:0}, latency median {MedianMs:0} ms p99 {P99Ms:0} ms" +
            (Local > 0 ? $" ({Local} answered without a request)" : "");
    }

    public async Task<(Phase Healthy, Phase Degraded)> RunAsync()
    {
        var network = new SimNetwork();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < nodeCount; i++) _nodes.Add(await StartNodeAsync(network, (ulong)i + 1));
        say($"{nodeCount} nodes up in {clock.Elapsed.TotalSeconds:0.0} s");

        clock.Restart();
        // Random bootstrap: nodes join in waves of doubling size (1, 1, 2, 4, ...), each through one random node of an
        // earlier wave (as a node joining a running network knows one node of it), then every node refreshes once.
        int joined = 1;
        while (joined < _nodes.Count)
        {
            var wave = _nodes.Skip(joined).Take(joined).ToList();
            int before = joined;
            await ForEachAsync(wave, 8, n => n.Dht.BootstrapAsync([_nodes[Next(before)].Host.ListenAddresses[0]]));
            joined += wave.Count;
        }
        await ForEachAsync(_nodes, 8, n => n.Dht.RefreshAsync(force: true));
        say($"bootstrap and one refresh round in {clock.Elapsed.TotalSeconds:0.0} s; {TotalConnections()} connections");

        var stored = new List<(byte[] Key, byte[] Value)>();
        var owners = Enumerable.Range(0, records).Select(_ => PrivateKey.Generate()).ToList();
        await ForEachAsync(owners, 16, async owner =>
        {
            var key = RecordKey.PublicKey(owner.ToPeerId());
            var value = owner.PublicKey.ToProtobuf();
            await Pick().Dht.PutValueAsync(key, value);
            lock (stored) stored.Add((key, value));
        });
        say($"{records} /pk/ records put from random nodes");

        var healthy = await MeasureAsync("all nodes up", stored);

        var gone = _nodes.OrderBy(_ => Next(int.MaxValue)).Take(nodeCount / 5).ToList();
        foreach (var n in gone) n.Transport.Vanished = true;
        say($"{gone.Count} nodes vanished without notice");
        var degraded = await MeasureAsync($"{gone.Count} of {nodeCount} gone", stored);

        foreach (var n in _nodes)
        {
            await n.Dht.DisposeAsync();
            n.Host.Options.CloseTimeout = TimeSpan.FromMilliseconds(200);
        }
        await Task.WhenAll(_nodes.Select(n => n.Host.DisposeAsync().AsTask()));
        return (healthy, degraded);
    }

    private async Task<Phase> MeasureAsync(string name, List<(byte[] Key, byte[] Value)> stored)
    {
        var live = _nodes.Where(n => !n.Transport.Vanished).ToList();
        var (fill, mean) = TableFill(live);
        var find = new List<(bool Ok, LookupStats? Stats, double Ms)>();
        await ForEachAsync(Enumerable.Range(0, lookups).ToList(), 8, async _ =>
        {
            var from = live[Next(live.Count)];
            var target = live[Next(live.Count)];
            while (target == from) target = live[Next(live.Count)];
            // A peer we are connected to is answered from the peer store; close that connection so each search goes
            // through the network (the connection manager of a busy node would have pruned most of them anyway).
            if (from.Host.FindConnection(target.Host.PeerId) is { } direct) await direct.CloseAsync();
            var (result, stats, ms) = await TimedAsync(() => from.Dht.FindPeerAsync(target.Host.PeerId));
            bool ok = result is not null && result.Addresses.Contains(target.Transport.Address);
            if (!ok && Environment.GetEnvironmentVariable("KAD_SIM_DEBUG") == "1")
            {
                int holders = live.Count(n => n.Dht.RoutingTable.Contains(target.Host.PeerId));
                var s = stats.LastOrDefault();
                say($"  miss: {from.Id}->{target.Id} result={(result is null ? "null" : string.Join(",", result.Addresses))} " +
                    $"stats={s} holders={holders} fromTable={from.Dht.RoutingTable.Count} connected={from.Host.FindConnection(target.Host.PeerId) is not null}");
            }
            lock (find) find.Add((ok, stats.LastOrDefault(), ms));
        });
        var get = new List<(bool Ok, LookupStats? Stats, double Ms)>();
        await ForEachAsync(Enumerable.Range(0, lookups).ToList(), 8, async i =>
        {
            var (key, value) = stored[i % stored.Count];
            var from = live[Next(live.Count)];
            var (result, stats, ms) = await TimedAsync(() => from.Dht.GetValueAsync(key));
            lock (get) get.Add((result is not null && result.AsSpan().SequenceEqual(value), stats.LastOrDefault(), ms));
        });
        var phase = new Phase(name, Summarise(find), Summarise(get), fill, mean);
        say($"[{name}] routing tables: mean {mean:0.0} peers, fill {fill * 100:0.0}% of what the live network allows");
        say($"[{name}] FIND_NODE of live peers: {phase.FindNode}");
        say($"[{name}] GET_VALUE of stored records: {phase.GetValue}");
        return phase;
    }

    private static async Task<(T Result, List<LookupStats> Stats, double Ms)> TimedAsync<T>(Func<Task<T>> run)
    {
        var stats = new List<LookupStats>();
        s_current.Value = stats; // LookupCompleted runs in the lookup's flow, which inherits this
        var clock = Stopwatch.StartNew();
        var result = await run();
        return (result, stats, clock.Elapsed.TotalMilliseconds);
    }

    private static Figures Summarise(List<(bool Ok, LookupStats? Stats, double Ms)> runs)
    {
        var network = runs.Where(r => r.Stats is { Queries: > 0 }).ToList();
        double P(IEnumerable<double> v, double p) => Stats.Percentile([.. v], p);
        return new Figures(runs.Count, runs.Count(r => r.Ok),
            P(runs.Select(r => (double)(r.Stats?.Hops ?? 0)), 0.5), P(runs.Select(r => (double)(r.Stats?.Hops ?? 0)), 0.99),
            P(runs.Select(r => (double)(r.Stats?.Queries ?? 0)), 0.5), P(runs.Select(r => (double)(r.Stats?.Queries ?? 0)), 0.99),
            P(runs.Select(r => r.Ms), 0.5), P(runs.Select(r => r.Ms), 0.99),
            runs.Count - network.Count);
    }

    // Fill: the live peers a table holds, over what k-buckets could hold given the live network (per bucket
    // min(k, live peers at that distance); the last bucket counts all deeper ones, as the table unfolds).
    private (double Fill, double Mean) TableFill(List<Node> live)
    {
        double fillSum = 0, sizeSum = 0;
        var liveIds = live.Select(n => n.Host.PeerId).ToHashSet();
        foreach (var n in live)
        {
            var table = n.Dht.RoutingTable;
            var local = KadKey.FromPeerId(n.Host.PeerId);
            var perCpl = new int[KadKey.Bits + 1];
            foreach (var other in live)
                if (other != n) perCpl[local.CommonPrefixLength(KadKey.FromPeerId(other.Host.PeerId))]++;
            int capacity = 0, remaining = live.Count - 1;
            for (int cpl = 0; remaining > 0; cpl++)
            {
                if (remaining <= table.BucketSize) { capacity += remaining; break; } // the rest fit one last bucket
                capacity += Math.Min(table.BucketSize, perCpl[cpl]);
                remaining -= perCpl[cpl];
            }
            int held = table.Peers.Count(liveIds.Contains);
            fillSum += capacity == 0 ? 1 : Math.Min(1.0, (double)held / capacity);
            sizeSum += table.Count;
        }
        return (fillSum / live.Count, sizeSum / live.Count);
    }

    private async Task<Node> StartNodeAsync(SimNetwork network, ulong id)
    {
        var key = PrivateKey.Generate();
        var transport = network.CreateTransport(id);
        var options = new HostOptions { Identity = key, IdentifyDelay = TimeSpan.Zero, CloseTimeout = TimeSpan.FromSeconds(1) };
        options.Transports.Add(transport);
        var host = new Libp2pHost(options);
        await host.ListenAsync(transport.Address);
        var dht = new KadDht(host, new KadOptions { EnablePeriodicRefresh = false });
        dht.LookupCompleted += s =>
        {
            var list = s_current.Value;
            if (list is not null) lock (list) list.Add(s);
        };
        return new Node(id, host, dht, transport, key);
    }

    private Node Pick() => _nodes[Next(_nodes.Count)];

    private int Next(int max)
    {
        lock (_random) return _random.Next(max);
    }

    private int TotalConnections() => _nodes.Sum(n => n.Host.ConnectionCount) / 2;

    private static async Task ForEachAsync<T>(IReadOnlyList<T> items, int parallel, Func<T, Task> body)
    {
        using var gate = new SemaphoreSlim(parallel);
        await Task.WhenAll(items.Select(async item =>
        {
            await gate.WaitAsync();
            try { await body(item); }
            finally { gate.Release(); }
        }));
    }
}
