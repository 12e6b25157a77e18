using System.Globalization;

namespace Libp2p.Bench;

/// <summary>The <c>wasm</c> section of bench/run: every figure for both backends, then the issue's targets.</summary>
internal sealed class WasmSection
{
    private readonly Dictionary<string, WasmAbiFigures> _figures = WasmBench.Abis.ToDictionary(a => a, a => new WasmAbiFigures(a));
    private WasmBench.IdleFigures? _idle;

    public static async Task<WasmSection> RunAsync(BenchOptions options, Action<string> line)
    {
        var s = new WasmSection();
        long bytes = options.WasmBytes;
        int runs = options.Runs;
        string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        line($"wasm/p2p (browser-wasm on Node {NodeVersion()}, preview2-shim 0.26.1, jco 1.10.2 for --abi canonical); {bytes >> 20} MiB per transfer" +
            (Environment.GetEnvironmentVariable("LIBP2P_WASM_FRAMEWORK") is { } fw ? $"; app from {fw}" : ""));
        await WasmBench.BuildAsync();
        // Each figure on its own: one that cannot be taken (an older app without a command) says why and the rest go on.
        async Task Try(string what, Func<Task> measure)
        {
            try { await measure(); }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
            {
                line($"{what}: n/a ({e.GetType().Name}: {e.Message.Split('\n')[0]})");
            }
        }
        bool Part(string name) => options.WasmParts.Contains(name);
        if (Part("cipher")) await Try("ChaCha20-Poly1305 inside Wasm", async () => line($"ChaCha20-Poly1305 seal inside Wasm (64 KiB frames): {await WasmBench.CipherAsync("js")}"));

        foreach (var abi in options.WasmAbis)
        {
            var f = s._figures[abi];
            line($"-- --abi {abi}");
            if (Part("raw")) await Try("raw WASI echo", async () =>
            {
                f.RawEchoMBps = await WasmBench.RawEchoAsync(abi, bytes);
                line($"raw WASI echo (raw-dial, {bytes >> 20} MiB each way at once, no libp2p): {F(f.RawEchoMBps)} MB/s per direction");
            });
            if (Part("perf")) await Try("native/js -> Wasm /perf", async () =>
            {
                await using var wasm = await WasmBench.StartListenerAsync(abi);
                f.NativeToWasm = await new PerfBench(bytes, runs).CSharpDialsAsync(wasm.Address, wasm.Process.Pid);
                line($"native -> Wasm /perf: {f.NativeToWasm}");
                line($"js -> Wasm /perf    : {await new PerfBench(bytes, runs).JsDialsAsync(wasm.Address)}");
            });
            if (Part("perf")) await Try("Wasm -> js /perf", async () =>
            {
                await using var js = await Peers.StartJsListenerAsync(TimeSpan.FromMinutes(10));
                line($"Wasm -> js /perf    : {await WasmBench.PerfFromWasmAsync(abi, js.Address, bytes, runs)}");
            });
            if (Part("setup")) await Try("Wasm -> native, dial to first ping", async () =>
            {
                await using var cs = await Peers.StartCSharpListenerAsync(TimeSpan.FromMinutes(10), keepLines: false);
                var e = await WasmBench.SetupFromWasmAsync(abi, cs.Address, options.WasmSetupCount);
                f.SetupMedianMs = e.GetProperty("median_ms").GetDouble();
                line(string.Create(CultureInfo.InvariantCulture,
                    $"Wasm -> native, dial to first ping: n={e.GetProperty("count").GetInt32()}  median {f.SetupMedianMs:0.00} ms  p95 {e.GetProperty("p95_ms").GetDouble():0.00} ms  " +
                    $"(dial {e.GetProperty("dial_median_ms").GetDouble():0.00} ms, first ping {e.GetProperty("ping_median_ms").GetDouble():0.00} ms)"));
                // The same over /tls/1.0.0: the managed TLS engine (BouncyCastle) inside Wasm against SslStream.
                var tls = await WasmBench.SetupFromWasmAsync(abi, cs.Address, options.WasmSetupCount, "tls");
                line(string.Create(CultureInfo.InvariantCulture,
                    $"  same over /tls/1.0.0 (Wasm: tls only) : median {tls.GetProperty("median_ms").GetDouble():0.00} ms  p95 {tls.GetProperty("p95_ms").GetDouble():0.00} ms  " +
                    $"(dial {tls.GetProperty("dial_median_ms").GetDouble():0.00} ms, first ping {tls.GetProperty("ping_median_ms").GetDouble():0.00} ms)"));
            });
        }

        if (!Part("idle")) return s;
        var idle = await WasmBench.IdleAsync(options.WasmAbis[0], options.WasmIdleWarmup, options.WasmIdleConnections, line);
        s._idle = idle;
        line($"idle: a Wasm listener (--abi {options.WasmAbis[0]}) holding {idle.Warmup} + {idle.Opened}/{idle.Requested} connections " +
            $"(it printed {idle.Seen} more connection:open): {idle.Describe()}");
        return s;
    }

    public void Targets(Report report)
    {
        foreach (var f in _figures.Values)
        {
            if (f.NativeToWasm is not { } p || double.IsNaN(f.RawEchoMBps)) continue;
            double worst = Math.Min(p.UploadMBps, p.DownloadMBps);
            report.Target($"wasm ({f.Abi}): native<->Wasm /perf >= 0.8x raw WASI echo, both directions", worst >= 0.8 * f.RawEchoMBps,
                string.Create(CultureInfo.InvariantCulture, $"up {p.UploadMBps / f.RawEchoMBps:0.00}x, down {p.DownloadMBps / f.RawEchoMBps:0.00}x of {f.RawEchoMBps:0.0} MB/s"));
        }
        if (_figures["js"].NativeToWasm is { } js && _figures["canonical"].NativeToWasm is { } canonical
            && !double.IsNaN(_figures["js"].RawEchoMBps) && !double.IsNaN(_figures["canonical"].RawEchoMBps))
        {
            // Time ratio = rate ratio inverted; the worst of raw echo, upload and download.
            double raw = _figures["js"].RawEchoMBps / _figures["canonical"].RawEchoMBps;
            double up = js.UploadMBps / canonical.UploadMBps, down = js.DownloadMBps / canonical.DownloadMBps;
            report.Target("wasm: canonical ABI within 1.3x the JSImport backend's time", Math.Max(raw, Math.Max(up, down)) <= 1.3,
                string.Create(CultureInfo.InvariantCulture, $"raw echo {raw:0.00}x, perf up {up:0.00}x, down {down:0.00}x"));
        }
        foreach (var f in _figures.Values)
            if (!double.IsNaN(f.SetupMedianMs))
                report.Target($"wasm ({f.Abi}): dial-to-first-ping from Wasm median < 10 ms", f.SetupMedianMs < 10,
                    string.Create(CultureInfo.InvariantCulture, $"{f.SetupMedianMs:0.00} ms"));
        if (_idle is { } idle)
            report.Target("wasm: idle Wasm connection < 64 KiB RSS", idle.Opened == idle.Requested && idle.KiBPerConnection < 64,
                string.Create(CultureInfo.InvariantCulture,
                    $"{idle.KiBPerConnection:0.0} KiB per connection ({idle.Opened}/{idle.Requested} opened after {idle.Warmup} warm-up ones, which cost {idle.ColdKiBPerConnection:0.0} KiB each with the one-time costs)"));
    }

    private static string NodeVersion()
    {
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("node", "--version") { RedirectStandardOutput = true });
            string v = p!.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(10_000);
            return v;
        }
        catch (System.ComponentModel.Win32Exception) { return "?"; }
    }
}
