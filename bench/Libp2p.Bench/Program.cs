using System.Globalization;
using System.Runtime;
using Libp2p.Bench;

// The libp2p benchmark program: prints figures and PASS/MISS against the targets; exits 0 unless a
// measurement itself broke (a missed target is a finding, not a failure).
// Usage: dotnet run -c Release --project bench/Libp2p.Bench -- [--quick] [--only perf,baseline,setup,idle]
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
Throughput? csTwoProcesses = null, jsJs = null;
double? baseline = null, baselineCpu = null;
SetupTimes? setupCs = null;
IdleResult? idle = null;

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

await Section("perf", async () =>
{
    await using (var cs = await Peers.StartCSharpListenerAsync(TimeSpan.FromMinutes(10)))
    {
        csTwoProcesses = await perf.CSharpDialsAsync(cs.Address, cs.Process.Pid);
        report.Line($"C# -> C# (listener in another process): {csTwoProcesses}");
        report.Line($"js -> C#                              : {await perf.JsDialsAsync(cs.Address)}");
    }
    report.Line($"C# -> C# (both hosts in this process) : {await perf.CSharpInProcessAsync()}");
    await using (var js = await Peers.StartJsListenerAsync(TimeSpan.FromMinutes(10)))
    {
        report.Line($"C# -> js                              : {await perf.CSharpDialsAsync(js.Address)}");
        jsJs = await perf.JsDialsAsync(js.Address);
        report.Line($"js -> js                              : {jsJs}");
    }
    report.Line("(up = the dialer sends, down = the dialer receives; each run on a stream of its own, the same connection)");
});

await Section("setup", async () =>
{
    report.Line($"handshake CPU floor: {HandshakeCpu.Measure()}");
    await using (var cs = await Peers.StartCSharpListenerAsync(TimeSpan.FromMinutes(10), keepLines: false))
    {
        setupCs = await SetupBench.MeasureAsync(cs.Address, options.SetupCount);
        report.Line($"C# -> C# (other process), dial to first ping: {setupCs}");
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

report.Line("");
report.Line($"== targets == (load average {ProcStatus.LoadAverage()})");
if (csTwoProcesses is not null && baseline is not null)
{
    double worst = Math.Min(csTwoProcesses.UploadMBps, csTwoProcesses.DownloadMBps);
    report.Target("C#<->C# vs sealed baseline >= 85%", worst / baseline.Value >= 0.85,
        $"{worst / baseline.Value * 100:0}% (slower direction {worst:0.0} / {baseline:0.0} MB/s)");
    if (baselineCpu is { } bc && !double.IsNaN(csTwoProcesses.CpuUsPerMB))
        report.Line($"      the same by CPU cost per MB (steadier on a loaded machine): baseline {bc:0} us / stack {csTwoProcesses.CpuUsPerMB:0} us " +
            $"(dialer + listener) = {bc / csTwoProcesses.CpuUsPerMB * 100:0}%");
}
if (csTwoProcesses is not null && jsJs is not null)
{
    double up = csTwoProcesses.UploadMBps / jsJs.UploadMBps, down = csTwoProcesses.DownloadMBps / jsJs.DownloadMBps;
    report.Target("C#<->C# vs js<->js >= 3x", Math.Min(up, down) >= 3, $"up {up:0.00}x, down {down:0.00}x");
}
if (setupCs is not null)
    report.Target("median set-up < 3 ms", setupCs.MedianMs < 3, $"{setupCs.MedianMs:0.00} ms");
if (idle is not null)
{
    // The target is for 10,000 connections; a smaller run is judged by its growth scaled to 10,000.
    double per10k = idle.Opened == 0 ? double.NaN : idle.ListenerGrowthMB / idle.Opened * 10_000;
    report.Target("RSS growth for 10,000 idle connections < 300 MB", idle.Opened == idle.Requested && per10k < 300,
        $"+{idle.ListenerGrowthMB:0.0} MB for {idle.Opened} ({idle.ListenerKBPerConnection:0.0} KiB per connection)" +
        (idle.Opened == 10_000 ? "" : $", {per10k:0} MB scaled to 10,000") +
        (idle.Opened == idle.Requested ? "" : $", only {idle.Opened} of {idle.Requested} opened"));
}
return broke ? 1 : 0;

namespace Libp2p.Bench
{
    internal sealed class Report
    {
        public void Line(string text) => Console.WriteLine(text);

        public void Target(string name, bool pass, string detail) => Line($"{(pass ? "PASS" : "MISS")}  {name}: {detail}");
    }
}
