using System.Globalization;
using System.Runtime;
using Libp2p.Bench;

// The libp2p benchmark program: prints figures and PASS/MISS against the targets; exits 0 unless a
// measurement itself broke (a missed target is a finding, not a failure).
// Usage: dotnet run -c Release --project bench/Libp2p.Bench -- [--quick] [--only perf,baseline,setup,idle,wasm,pubsub,kad,relay]
//        [--idle-connections N]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args is ["serve"]) return await ServeMode.RunAsync();
var options = BenchOptions.Parse(args);
if (options is null) return 2;
var report = new Report();
report.Line($"libp2p-dotnet benchmarks ({(options.Quick ? "quick" : "full")}): perf {options.PerfBytes >> 20} MiB each way x{options.Runs} (median), " +
    $"set-up n={options.SetupCount}/{options.SetupJsCount}, idle {options.IdleConnections} connections");
report.Line($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, GC {(GCSettings.IsServerGC ? "server" : "workstation")}, " +
    $"load average {ProcStatus.LoadAverage()}, open-file limit {FdLimit.Describe()}");

bool broke = false;
async Task Section(string name, Func<Task> body)
{
    if (!options.Sections.Contains(name)) return;
    report.Line("");
    report.Line($"== {name} == (load average {ProcStatus.LoadAverage()})");
    try { await body(); }
    catch (Exception e)
    {
        broke = true;
        report.Line($"!! {name} broke: {e.GetType().Name}: {e.Message}");
        Console.Error.WriteLine(e);
    }
}

var perf = new PerfBench(options.PerfBytes, options.Runs);
Throughput? csTwoProcesses = null, aot = null, jsJs = null;
double? baseline = null, baselineCpu = null;
SetupTimes? setupCs = null;
HandshakeCpu.Figures? handshake = null;
IdleResult? idle = null;
(Libp2p.Bench.Kad.KadSimulation.Phase Healthy, Libp2p.Bench.Kad.KadSimulation.Phase Degraded)? kad = null;

await Section("baseline", async () =>
{
    await SealedBaseline.MeasureAsync(PerfBench.WarmupBytes);
    var runs = new List<double>();
    var cpu = new List<double>();
    for (int i = 0; i < options.Runs; i++)
    {
        runs.Add(await SealedBaseline.MeasureAsync(options.PerfBytes));
        cpu.Add(SealedBaseline.LastCpuUsPerMB);
    }
    baseline = Stats.Median(runs);
    baselineCpu = Stats.Median(cpu);
    report.Line($"TCP + ChaCha20-Poly1305 (64 KiB Noise-shaped frames, one way): {baseline:0.0} MB/s  (runs: {string.Join(", ", runs.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))})" +
        $"   [CPU per MB, both ends: {Stats.Median(cpu):0} us]");
    report.Line("where the stack's time goes (same transfer, both ends in this process):");
    await LayerBench.RunAsync(options.PerfBytes, options.Runs, report.Line);
});

await Section("yamux", async () =>
{
    report.Line("Yamux over an in-memory pipe (no socket, no crypto), 128 MiB:");
    await YamuxMemoryBench.RunAsync(128L << 20, s => report.Line("  " + s));
});

await Section("perf", async () =>
{
    if (Peers.AotCli is { } p2p)
    {
        await using var listener = await Peers.StartAotListenerAsync(TimeSpan.FromMinutes(10));
        aot = await perf.AotDialsAsync(p2p, listener!);
        report.Line($"p2p -> p2p (NativeAOT, as users run it): {aot}");
    }
    else
    {
        report.Line("p2p -> p2p (NativeAOT): not measured (no NativeAOT p2p: bench/run publishes it, or set LIBP2P_BENCH_P2P)");
    }
    await using (var cs = await Peers.StartCSharpListenerAsync(TimeSpan.FromMinutes(10)))
    {
        csTwoProcesses = await perf.CSharpDialsAsync(cs.Address, cs.Process.Pid);
        report.Line($"C# -> `dotnet p2p.dll` (JIT listener)   : {csTwoProcesses}");
        report.Line($"js -> C#                               : {await perf.JsDialsAsync(cs.Address)}");
    }
    report.Line($"C# -> C# (both hosts in this process)  : {await perf.CSharpInProcessAsync()}");
    await using (var js = await Peers.StartJsListenerAsync(TimeSpan.FromMinutes(10)))
    {
        report.Line($"C# -> js                               : {await perf.CSharpDialsAsync(js.Address)}");
        jsJs = await perf.JsDialsAsync(js.Address);
        report.Line($"js -> js                               : {jsJs}");
    }
    report.Line("(up = the dialer sends, down = the dialer receives; each run on a stream of its own, the same connection)");
});

await Section("setup", async () =>
{
    handshake = HandshakeCpu.Measure(Libp2p.Crypto.CryptoProvider.Default);
    report.Line($"handshake CPU floor: {handshake}");
    if (Libp2p.Crypto.CryptoProvider.Default != Libp2p.Crypto.CryptoProvider.Managed)
        report.Line($"  (managed, as in Wasm: {HandshakeCpu.Measure(Libp2p.Crypto.CryptoProvider.Managed)})");
    await using (var cs = await Peers.StartAotListenerAsync(TimeSpan.FromMinutes(10), keepLines: false)
        ?? await Peers.StartCSharpListenerAsync(TimeSpan.FromMinutes(10), keepLines: false))
    {
        setupCs = await SetupBench.MeasureAsync(cs.Address, options.SetupCount);
        report.Line($"C# -> {(Peers.AotCli is null ? "`dotnet p2p.dll`" : "p2p (NativeAOT)")} listener, dial to first ping: {setupCs}");
        if (options.SetupVariants)
        {
            report.Line($"  same, dialer without identify            : {await SetupBench.MeasureAsync(cs.Address, options.SetupCount, enableIdentify: false)}");
            report.Line($"  same over /tls/1.0.0 (dialer: tls only)  : {await SetupBench.MeasureAsync(cs.Address, options.SetupCount, security: new Libp2p.Security.Tls.TlsSecurity())}");
        }
    }
    await using (var js = await Peers.StartJsListenerAsync(TimeSpan.FromMinutes(10)))
        report.Line($"C# -> js, dial to first ping               : {await SetupBench.MeasureAsync(js.Address, options.SetupJsCount)}");
});

await Section("idle", async () =>
{
    int count = FdLimit.Fit(options.IdleConnections, report.Line);
    idle = await IdleConnectionsBench.MeasureAsync(count, s => report.Line("  " + s));
    report.Line(idle.ToString());
});

WasmSection? wasm = null;
await Section("wasm", async () => wasm = await WasmSection.RunAsync(options, report.Line));
var attackReports = new List<Libp2p.Attacks.AttackReport>();
await Section("attacks", async () =>
{
    report.Line("each attack against its own `p2p listen` (default limits), a legitimate peer dialing and pinging from 127.0.0.1 every 0.5 s;");
    report.Line("RSS sampled every 100 ms, and once more 10 s after the attack ended");
    int octet = 2;
    foreach (var attack in Libp2p.Attacks.Attacks.All)
    {
        if (options.AttackNames is { } names && !names.Contains(attack.Name)) { octet += attack.Addresses + 2; continue; }
        await using var node = await Peers.StartCSharpListenerAsync(TimeSpan.FromMinutes(5), keepLines: true, defaultLimits: true);
        await Task.Delay(TimeSpan.FromSeconds(2)); // start-up allocations settle
        var r = await Libp2p.Attacks.AttackRun.RunAsync(new AttackTarget(node), attack, octet, TimeSpan.FromSeconds(10), CancellationToken.None);
        octet += attack.Addresses + 2;
        attackReports.Add(r);
        report.Line(r.ToString());
    }
});

var pubsubResults = new List<PubSubSimResult>();
await Section("pubsub", async () =>
{
    var seconds = TimeSpan.FromSeconds(options.PubSubSeconds);
    int n = options.PubSubNodes;
    foreach (var scenario in new PubSubSim.Scenario[]
    {
        new("gossipsub 1 KiB 10/s", n, Duration: seconds),
        new("floodsub 1 KiB 10/s", n, Router: Libp2p.PubSub.PubSubRouterKind.FloodSub, Duration: seconds),
        new("gossipsub v1.2 64 KiB 2/s, IDONTWANT", n, MessageSize: 64 * 1024, MessagesPerSecond: 2, Duration: seconds),
        new("gossipsub v1.2 64 KiB 2/s, no IDONTWANT", n, MessageSize: 64 * 1024, MessagesPerSecond: 2, Duration: seconds, IDontWant: false),
        new("gossipsub 1 KiB 10/s, 10% misbehaving", n, Duration: seconds, BadFraction: 0.1),
    })
    {
        var r = await PubSubSim.RunAsync(scenario, report.Line);
        pubsubResults.Add(r);
        report.Line(r.ToString());
    }
});

await Section("kad", async () =>
{
    report.Line($"{options.KadNodes} DHT nodes in this process (Noise + Yamux over in-memory links, 5-35 ms one way), " +
        $"{options.KadLookups} lookups of each kind, {options.KadRecords} records");
    kad = await new Libp2p.Bench.Kad.KadSimulation(options.KadNodes, options.KadLookups, options.KadRecords, seed: 12, s => report.Line("  " + s)).RunAsync();
});

await Section("relay", async () =>
{
    report.Line("circuit relay v2: a relayed connection against a direct one (docs/benchmarks.md)");
    await RelayBench.RunAsync(options.Quick ? 16L << 20 : 64L << 20, options.Runs, options.SetupJsCount, s => report.Line("  " + s));
});

report.Line("");
report.Line($"== targets == (load average {ProcStatus.LoadAverage()})");
// The measured configuration is the NativeAOT tool (issue 15); without it, the JIT listener pairing.
var measured = aot ?? csTwoProcesses;
string measuredName = aot is not null ? "p2p<->p2p (NativeAOT)" : "C#<->C# (JIT)";
foreach (var r in attackReports)
{
    report.Target($"{r.Attack}: legitimate pings succeed, RSS +<128 MB, back within 32 MB 10 s later",
        r.LegitErrors.Count == 0 && r.LegitMs.Count > 0 && r.GrowthMB < 128 && r.RssAfter is { } a && (a - r.RssStart) / 1e6 < 32,
        $"{r.LegitMs.Count}/{r.LegitMs.Count + r.LegitErrors.Count} pings, +{r.GrowthMB:0.0} MB, {((r.RssAfter ?? 0) - r.RssStart) / 1e6:+0.0;-0.0} MB after 10 s");
}
foreach (var r in pubsubResults.Where(r => r.Name.StartsWith("gossipsub 1 KiB")))
{
    report.Target($"{r.Name}: 100% delivery", r.Delivered == r.Expected, $"{r.DeliveryRatio * 100:0.00}%");
    if (r.BadPairs == 0)
    {
        report.Target($"{r.Name}: duplicates per message <= D (6)", r.DuplicatesPerMessage <= 6, $"{r.DuplicatesPerMessage:0.00}");
        report.Target($"{r.Name}: p99 latency < 100 ms", r.P99Ms < 100, $"{r.P99Ms:0.0} ms");
    }
    else
        report.Target($"{r.Name}: misbehaving nodes below graylist", r.BadPairsGraylisted == r.BadPairs, $"{r.BadPairsGraylisted}/{r.BadPairs} neighbour views");
}
if (measured is not null && baseline is not null)
{
    double worst = Math.Min(measured.UploadMBps, measured.DownloadMBps);
    report.Target($"{measuredName} vs sealed baseline >= 0.85x, both directions", worst / baseline.Value >= 0.85,
        $"up {measured.UploadMBps / baseline.Value:0.00}x, down {measured.DownloadMBps / baseline.Value:0.00}x ({measured.UploadMBps:0.0} / {measured.DownloadMBps:0.0} vs {baseline:0.0} MB/s)");
    if (baselineCpu is { } bc && !double.IsNaN(measured.CpuUsPerMB))
        report.Line($"      the same by CPU cost per MB (steadier on a loaded machine): baseline {bc:0} us / stack {measured.CpuUsPerMB:0} us " +
            $"(dialer + listener) = {bc / measured.CpuUsPerMB:0.00}x");
}
if (measured is not null && jsJs is not null)
{
    double up = measured.UploadMBps / jsJs.UploadMBps, down = measured.DownloadMBps / jsJs.DownloadMBps;
    report.Target($"{measuredName} vs js<->js >= 3x", Math.Min(up, down) >= 3, $"up {up:0.00}x, down {down:0.00}x");
}
if (setupCs is not null)
{
    report.Target("warm set-up median < 1.5 ms", setupCs.MedianMs < 1.5, $"{setupCs.MedianMs:0.00} ms (cold: {setupCs.ColdMedianMs:0.00} ms)");
    report.Target("warm set-up p95 < 3 ms", setupCs.P95Ms < 3, $"{setupCs.P95Ms:0.00} ms");
}
if (handshake is not null)
    report.Target("handshake CPU floor < 0.4 ms", handshake.BothSidesMs < 0.4, $"{handshake.BothSidesMs:0.00} ms ({handshake.Provider})");
if (idle is not null)
{
    // The target is for 10,000 connections; a smaller run is judged by its growth scaled to 10,000.
    double per10k = idle.Opened == 0 ? double.NaN : idle.ListenerGrowthMB / idle.Opened * 10_000;
    report.Target("RSS growth for 10,000 idle connections < 300 MB", idle.Opened == idle.Requested && per10k < 300,
        $"+{idle.ListenerGrowthMB:0.0} MB for {idle.Opened} ({idle.ListenerKBPerConnection:0.0} KiB per connection)" +
        (idle.Opened == 10_000 ? "" : $", {per10k:0} MB scaled to 10,000") +
        (idle.Opened == idle.Requested ? "" : $", only {idle.Opened} of {idle.Requested} opened"));
}
if (kad is { } k)
{
    double maxHops = Math.Log2(options.KadNodes) / 2;
    foreach (var phase in new[] { k.Healthy, k.Degraded })
    {
        report.Target($"DHT [{phase.Name}] FIND_NODE of live peers: 100% success", phase.FindNode.SuccessRate == 1, $"{phase.FindNode.Successes}/{phase.FindNode.Attempts}");
        report.Target($"DHT [{phase.Name}] GET_VALUE of stored records: 100% success", phase.GetValue.SuccessRate == 1, $"{phase.GetValue.Successes}/{phase.GetValue.Attempts}");
        report.Target($"DHT [{phase.Name}] median hops <= log2(N)/2 = {maxHops:0.0}", phase.FindNode.MedianHops <= maxHops && phase.GetValue.MedianHops <= maxHops,
            $"FIND_NODE {phase.FindNode.MedianHops:0}, GET_VALUE {phase.GetValue.MedianHops:0}");
    }
    double findRatio = k.Degraded.FindNode.MedianMs / k.Healthy.FindNode.MedianMs, getRatio = k.Degraded.GetValue.MedianMs / k.Healthy.GetValue.MedianMs;
    report.Target("DHT with 20% gone: median latency within 2x", findRatio <= 2 && getRatio <= 2,
        $"FIND_NODE {k.Healthy.FindNode.MedianMs:0} -> {k.Degraded.FindNode.MedianMs:0} ms ({findRatio:0.00}x), GET_VALUE {k.Healthy.GetValue.MedianMs:0} -> {k.Degraded.GetValue.MedianMs:0} ms ({getRatio:0.00}x)");
}
wasm?.Targets(report);
return broke ? 1 : 0;

namespace Libp2p.Bench
{
    internal sealed class Report
    {
        public void Line(string text) => Console.WriteLine(text);

        public void Target(string name, bool pass, string detail) => Line($"{(pass ? "PASS" : "MISS")}  {name}: {detail}");
    }
}
