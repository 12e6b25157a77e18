using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Libp2p.Host;
using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.PubSub;
using Libp2p.PubSub.Scoring;
using Libp2p.Transports.Tcp;

namespace Libp2p.Bench;

/// <summary>What one simulation run measured.</summary>
public sealed record PubSubSimResult(string Name, int Nodes, double AvgDegree, int Published, long Expected, long Delivered,
    double MedianMs, double P99Ms, double DuplicatesPerMessage, double BytesPerDelivery,
    int BadPairs, int BadPairsGraylisted, double WorstBadScore, double LowestHonestScore)
{
    public double DeliveryRatio => Expected == 0 ? double.NaN : (double)Delivered / Expected;

    public override string ToString() =>
        $"{Name}: {Nodes} nodes (avg degree {AvgDegree:0.0}), {Published} msgs: delivery {DeliveryRatio * 100:0.00}% ({Delivered}/{Expected}), " +
        $"latency median {MedianMs:0.0} ms p99 {P99Ms:0.0} ms, duplicates/msg/node {DuplicatesPerMessage:0.00}, bytes sent per delivery {BytesPerDelivery:0}" +
        (BadPairs > 0 ? $"; misbehaving neighbours below graylist {BadPairsGraylisted}/{BadPairs} (highest bad score {WorstBadScore:0.0}, lowest honest {LowestHonestScore:0.0})" : "");
}

/// <summary>
/// Many pubsub nodes in one process over loopback TCP (Noise + Yamux, the real stack): a fixed random topology,
/// one topic, messages at a steady rate from random publishers. Reports delivery, latency, duplicates and bytes;
/// optionally with misbehaving nodes that publish invalid messages and forward nothing.
/// </summary>
public static class PubSubSim
{
    private const string Topic = "sim";

    public sealed record Scenario(string Name, int Nodes = 100, int Degree = 8, PubSubRouterKind Router = PubSubRouterKind.GossipSub,
        int MessageSize = 1024, double MessagesPerSecond = 10, TimeSpan? Duration = null, double BadFraction = 0, bool IDontWant = true);

    public static async Task<PubSubSimResult> RunAsync(Scenario s, Action<string> say)
    {
        var duration = s.Duration ?? TimeSpan.FromSeconds(20);
        var random = new Random(42);
        var nodes = new List<SimNode>();
        try
        {
            var badSet = new HashSet<int>(Enumerable.Range(0, s.Nodes).OrderBy(_ => random.Next()).Take((int)Math.Round(s.Nodes * s.BadFraction)));
            for (int i = 0; i < s.Nodes; i++)
                nodes.Add(await SimNode.StartAsync(i, s, badSet.Contains(i)));
            // A ring (connected) plus random extra edges up to the degree.
            var edges = new HashSet<(int, int)>();
            void Edge(int a, int b) { if (a != b) edges.Add((Math.Min(a, b), Math.Max(a, b))); }
            for (int i = 0; i < s.Nodes; i++) Edge(i, (i + 1) % s.Nodes);
            while (edges.Count < s.Nodes * s.Degree / 2) Edge(random.Next(s.Nodes), random.Next(s.Nodes));
            var dials = edges.Select(e => nodes[e.Item1].Host.DialAsync(nodes[e.Item2].Address).AsTask());
            foreach (var chunk in dials.Chunk(50)) await Task.WhenAll(chunk);
            say($"  {s.Name}: {s.Nodes} nodes, {edges.Count} connections; forming meshes...");
            var degrees = new int[s.Nodes];
            foreach (var (a, b) in edges) { degrees[a]++; degrees[b]++; }
            var until = Stopwatch.StartNew();
            while (until.Elapsed < TimeSpan.FromSeconds(30) && nodes.Where((n, i) => n.PubSub.GetPeers(Topic).Count < degrees[i]).Any())
                await Task.Delay(100);
            await Task.Delay(TimeSpan.FromSeconds(3)); // a few heartbeats: meshes settle
            foreach (var n in nodes) n.ResetCounters();
            long bytesBefore = nodes.Sum(n => n.PubSub.Stats.BytesSent);

            // Publish at the rate from random publishers (honest ones carry the measured messages).
            var honest = nodes.Where(n => !n.Bad).ToList();
            int count = (int)(duration.TotalSeconds * s.MessagesPerSecond);
            var gap = TimeSpan.FromSeconds(1 / s.MessagesPerSecond);
            var clock = Stopwatch.StartNew();
            var bad = nodes.Where(n => n.Bad).ToList();
            for (int k = 0; k < count; k++)
            {
                var next = gap * k - clock.Elapsed;
                if (next > TimeSpan.Zero) await Task.Delay(next);
                var payload = new byte[s.MessageSize];
                random.NextBytes(payload);
                payload[0] = 0x01; // valid
                BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(1), k);
                BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(5), Stopwatch.GetTimestamp());
                var publisher = honest[random.Next(honest.Count)];
                publisher.Published.Add(k);
                await publisher.PubSub.PublishAsync(Topic, payload);
                // Misbehaving nodes publish an invalid message every 10th round each.
                if (bad.Count > 0 && k % 10 == 0)
                    foreach (var b in bad)
                    {
                        var junk = new byte[s.MessageSize];
                        junk[0] = 0xBA; // honest validators reject it
                        await b.PubSub.PublishAsync(Topic, junk);
                    }
            }
            long expected = (long)count * (honest.Count - 1);
            // Stragglers: wait while deliveries still progress (a loaded machine lags), at most 60 s.
            long last = -1;
            var quiet = Stopwatch.StartNew();
            var cap = Stopwatch.StartNew();
            while (cap.Elapsed < TimeSpan.FromSeconds(60) && quiet.Elapsed < TimeSpan.FromSeconds(5))
            {
                long now = honest.Sum(n => (long)n.Latencies.Count);
                if (now >= expected) break;
                if (now != last) { last = now; quiet.Restart(); }
                await Task.Delay(200);
            }
            long delivered = honest.Sum(n => n.Latencies.Count);
            var latencies = honest.SelectMany(n => n.Latencies).ToList();
            long duplicates = honest.Sum(n => n.PubSub.Stats.Duplicates);
            long bytes = nodes.Sum(n => n.PubSub.Stats.BytesSent) - bytesBefore;

            int badPairs = 0, graylisted = 0;
            double worstBad = double.NegativeInfinity, lowestHonest = double.PositiveInfinity;
            foreach (var (a, b) in edges)
                foreach (var (observer, observed) in new[] { (a, b), (b, a) })
                {
                    if (nodes[observer].Bad) continue;
                    double score = nodes[observer].PubSub.GetScore(nodes[observed].Host.PeerId);
                    if (nodes[observed].Bad)
                    {
                        badPairs++;
                        if (score < nodes[observer].PubSub.Thresholds.GraylistThreshold) graylisted++;
                        worstBad = Math.Max(worstBad, score);
                    }
                    else lowestHonest = Math.Min(lowestHonest, score);
                }
            return new PubSubSimResult(s.Name, s.Nodes, 2.0 * edges.Count / s.Nodes, count, expected, delivered,
                Stats.Median(latencies), Stats.Percentile(latencies, 0.99),
                (double)duplicates / Math.Max(1, (long)count * (honest.Count - 1)), (double)bytes / Math.Max(1, delivered),
                badPairs, graylisted, badPairs > 0 ? worstBad : double.NaN, lowestHonest);
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask()));
        }
    }

    private sealed class SimNode : IAsyncDisposable
    {
        public Libp2pHost Host = null!;
        public Multiaddr Address = null!;
        public Libp2p.PubSub.PubSub PubSub = null!;
        public bool Bad;
        public readonly ConcurrentBag<int> Published = [];
        public ConcurrentBag<double> Latencies = [];

        public static async Task<SimNode> StartAsync(int index, Scenario s, bool bad)
        {
            // Every node is on 127.0.0.1, far past the default per-address limits (docs/limits.md): lifted.
            var options = new HostOptions { IdleTimeout = null, Limits = ResourceLimits.Unlimited() };
            options.Transports.Add(new TcpTransport());
            var host = new Libp2pHost(options);
            var address = (await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")))[0].WithPeerId(host.PeerId);
            var o = new PubSubOptions { Router = s.Router, Random = new Random(1000 + index) };
            o.GossipSub.D = 6; o.GossipSub.DLow = 5; o.GossipSub.DHigh = 12;
            if (!s.IDontWant) o.GossipSub.IDontWantMessageThreshold = int.MaxValue;
            // Every node is on 127.0.0.1: IP colocation would penalize all of them.
            o.Score!.IPColocationFactorWhitelist.Add(IPAddress.Loopback);
            o.Score.Topics[Topic] = SimTopicScore();
            var pubsub = new Libp2p.PubSub.PubSub(host, o);
            var node = new SimNode { Host = host, Address = address, PubSub = pubsub, Bad = bad };
            if (bad)
            {
                // Drops everything it should forward: nothing passes its validation (so nothing is forwarded).
                pubsub.AddValidator(Topic, (from, m, _) => ValueTask.FromResult(from == host.PeerId ? ValidationResult.Accept : ValidationResult.Ignore));
            }
            else
            {
                pubsub.AddValidator(Topic, (_, m, _) => ValueTask.FromResult(m.Data.Length > 0 && m.Data.Span[0] == 0xBA ? ValidationResult.Reject : ValidationResult.Accept));
            }
            var subscription = await pubsub.SubscribeAsync(Topic);
            _ = node.RecordAsync(subscription);
            return node;
        }

        private async Task RecordAsync(Subscription subscription)
        {
            await foreach (var m in subscription)
            {
                if (m.ReceivedFrom == Host.PeerId || m.Data.Length < 13 || m.Data.Span[0] != 0x01) continue;
                long sent = BinaryPrimitives.ReadInt64BigEndian(m.Data.Span[5..]);
                Latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        }

        public void ResetCounters()
        {
            Latencies = [];
            Interlocked.Exchange(ref PubSub.Stats.Duplicates, 0);
        }

        public async ValueTask DisposeAsync()
        {
            await PubSub.DisposeAsync();
            await Host.DisposeAsync();
        }
    }

    /// <summary>
    /// Topic scoring for the simulation (10 msg/s): invalid messages weigh heavily and decay slowly, so a peer that
    /// sends a handful is graylisted; mesh delivery deficits cost a little; first deliveries and time in mesh earn a little.
    /// </summary>
    public static TopicScoreParams SimTopicScore() => new()
    {
        TopicWeight = 1,
        // P1 outgrows the largest P3 penalty by the time P3 activates: an honest mesh peer that is merely slow (the
        // near-first window is 50 ms; a loaded machine misses it) never goes negative, which would prune it.
        TimeInMeshWeight = 0.02, TimeInMeshQuantum = TimeSpan.FromSeconds(1), TimeInMeshCap = 100,
        FirstMessageDeliveriesWeight = 1, FirstMessageDeliveriesDecay = 0.9, FirstMessageDeliveriesCap = 20,
        MeshMessageDeliveriesWeight = -0.05, MeshMessageDeliveriesDecay = 0.9, MeshMessageDeliveriesThreshold = 1,
        MeshMessageDeliveriesCap = 20, MeshMessageDeliveriesWindow = TimeSpan.FromMilliseconds(50),
        MeshMessageDeliveriesActivation = TimeSpan.FromSeconds(5),
        MeshFailurePenaltyWeight = -1, MeshFailurePenaltyDecay = 0.9,
        InvalidMessageDeliveriesWeight = -20, InvalidMessageDeliveriesDecay = 0.99,
    };
}
