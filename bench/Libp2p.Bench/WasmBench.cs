using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Bench;

/// <summary>The <c>wasm</c> section's figures for one backend (<c>--abi js|canonical</c>).</summary>
public sealed class WasmAbiFigures(string abi)
{
    public string Abi { get; } = abi;
    /// <summary>raw-dial through a native echo server, 16 MiB each way at once: MB/s of one direction.</summary>
    public double RawEchoMBps { get; set; } = double.NaN;
    public Throughput? NativeToWasm { get; set; }
    public double SetupMedianMs { get; set; } = double.NaN;
}

/// <summary>
/// The stack inside WebAssembly (<c>wasm/p2p</c>: browser-wasm under Node, wasi:sockets from jco's preview2-shim),
/// with both backends: the raw WASI echo ceiling (our transport with nothing above it), native→Wasm <c>/perf</c>,
/// dial-to-first-ping from Wasm, Wasm↔js-libp2p <c>/perf</c>, and the RSS an idle connection costs a Wasm listener.
/// </summary>
public static class WasmBench
{
    public static readonly string[] Abis = ["js", "canonical"];
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(10);

    public static string Script => Path.Combine(Peers.RepoRoot, "wasm", "p2p");

    /// <summary><c>wasm/p2p --build-only</c> (publishes the app and generates jco's bindings when stale).</summary>
    public static async Task BuildAsync()
    {
        await using var build = Child.Start("wasm/p2p --build-only", Script, ["--build-only"], TimeSpan.FromMinutes(15), Peers.RepoRoot);
        if (await build.WaitForExitAsync(TimeSpan.FromMinutes(15)) != 0) throw new InvalidOperationException("wasm/p2p --build-only failed:\n" + build.Stderr);
    }

    private static Child Start(string abi, string name, IEnumerable<string> args, bool keepLines = true) =>
        Child.Start($"wasm/p2p --abi {abi} {name}", Script, ["--abi", abi, name, .. args], ChildTimeout, Peers.RepoRoot, keepLines);

    /// <summary>The ceiling: 16 MiB each way at once through a native echo server, no libp2p. MB/s of one direction.</summary>
    public static async Task<double> RawEchoAsync(string abi, long bytes)
    {
        await using var echo = new EchoServer();
        await using var wasm = Start(abi, "raw-dial", [$"/ip4/127.0.0.1/tcp/{echo.Port}", "--bytes", bytes.ToString(CultureInfo.InvariantCulture)]);
        var e = await wasm.WaitForEventAsync("echo", ChildTimeout);
        if (!e.GetProperty("ok").GetBoolean()) throw new InvalidOperationException("raw echo came back wrong");
        return e.GetProperty("mib_per_s").GetDouble() * 1.048576;
    }

    /// <summary>
    /// A Wasm listener (<c>listen --perf --json</c>) and its /ip4/127.0.0.1 address with /p2p. Every resource limit is
    /// lifted (<c>--limit all=unlimited</c>), as for the native listeners (<see cref="Peers.StartCSharpListenerAsync"/>):
    /// the idle figure opens hundreds of connections from one peer on 127.0.0.1, far past the per-peer and per-address
    /// defaults (docs/limits.md).
    /// </summary>
    public static async Task<Listener> StartListenerAsync(string abi, bool perf = true, bool keepLines = true)
    {
        string[] args = perf ? ["--perf", "--json", "--limit", "all=unlimited"] : ["--json", "--limit", "all=unlimited"];
        var child = Start(abi, "listen", args, keepLines);
        try
        {
            var ev = await child.WaitForEventAsync("listening", Peers.StartTimeout * 2);
            var tcp = ev.GetProperty("addrs").EnumerateArray().Select(a => a.GetString()!)
                .First(a => a.StartsWith("/ip4/127.0.0.1/tcp/", StringComparison.Ordinal));
            return new Listener(child, Multiaddr.Parse(tcp).WithPeerId(Identity.PeerId.Parse(ev.GetProperty("peerId").GetString()!)));
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Wasm dials <paramref name="target"/> <paramref name="count"/> times: connect, upgrade, first ping, close
    /// (with <paramref name="security"/> alone when given: <c>noise</c> or <c>tls</c>).
    /// </summary>
    public static async Task<JsonElement> SetupFromWasmAsync(string abi, Multiaddr target, int count, string? security = null)
    {
        string[] args = [target.ToString(), "--count", count.ToString(CultureInfo.InvariantCulture)];
        if (security is not null) args = [.. args, "--security", security];
        await using var wasm = Start(abi, "bench-setup", args);
        return await wasm.WaitForEventAsync("setup", ChildTimeout);
    }

    /// <summary>Wasm dials <paramref name="target"/> and runs /perf up and down (after a warm-up).</summary>
    public static async Task<Throughput> PerfFromWasmAsync(string abi, Multiaddr target, long bytes, int runs)
    {
        await using var wasm = Start(abi, "bench-perf", [target.ToString(), "--bytes", bytes.ToString(CultureInfo.InvariantCulture),
            "--runs", runs.ToString(CultureInfo.InvariantCulture)]);
        var e = await wasm.WaitForEventAsync("perf", ChildTimeout);
        return new Throughput(e.GetProperty("upload_mbps").GetDouble(), e.GetProperty("download_mbps").GetDouble());
    }

    /// <summary>ChaCha20-Poly1305 inside Wasm, per implementation: "impl mib/s, ...".</summary>
    public static async Task<string> CipherAsync(string abi)
    {
        await using var wasm = Start(abi, "bench-cipher", ["--mib", "16"]);
        var parts = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            var e = await wasm.WaitForEventAsync("cipher", ChildTimeout);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{e.GetProperty("impl").GetString()} {e.GetProperty("mib_per_s").GetDouble():0.0} MiB/s"));
            if (i == 0) parts.Add($"Vector128 accelerated: {e.GetProperty("vector128_accelerated").GetBoolean()}");
        }
        return string.Join(", ", parts);
    }

    /// <summary>
    /// What <paramref name="connections"/> idle connections cost a Wasm listener, after <paramref name="warmup"/> first ones
    /// (held too): the first connections also pay once for the code they run (the interpreter's and jiterpreter's
    /// compiled methods and traces, V8's code for the glue, the heaps sizing up), which says nothing about a connection.
    /// </summary>
    public sealed record IdleFigures(int Warmup, int Requested, int Opened, int Seen, MemorySample Start, MemorySample Warm, MemorySample End)
    {
        /// <summary>RSS growth per connection after the warm-up: what one more idle connection costs.</summary>
        public double KiBPerConnection => Opened == 0 ? double.NaN : (End.Rss - Warm.Rss) / 1024.0 / Opened;

        /// <summary>RSS growth per connection of the warm-up connections (one-time costs included).</summary>
        public double ColdKiBPerConnection => Warmup == 0 ? double.NaN : (Warm.Rss - Start.Rss) / 1024.0 / Warmup;

        public string Describe()
        {
            string Per(long a, long b) => a < 0 || b < 0 || Opened == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{(b - a) / 1024.0 / Opened:0.0}");
            return string.Create(CultureInfo.InvariantCulture,
                $"RSS {Start.Rss / 1e6:0.0} MB -> {Warm.Rss / 1e6:0.0} MB after {Warmup} warm-up connections ({ColdKiBPerConnection:0.0} KiB each, one-time costs included) " +
                $"-> {End.Rss / 1e6:0.0} MB after {Opened} more: {KiBPerConnection:0.0} KiB per connection, of which Wasm linear memory {Per(Warm.WasmMemory, End.WasmMemory)} KiB " +
                $"(managed objects alive after a full GC {Per(Warm.ManagedLive, End.ManagedLive)} KiB), the rest (Node: V8 heaps of the main and the I/O worker thread, sockets) " +
                $"{(End.WasmMemory < 0 || Warm.WasmMemory < 0 ? "n/a" : ((End.Rss - End.WasmMemory - (Warm.Rss - Warm.WasmMemory)) / 1024.0 / Opened).ToString("0.0", CultureInfo.InvariantCulture))} KiB");
        }
    }

    /// <summary>The listener's RSS, its Wasm linear memory's resident part, and its managed heap's live bytes (-1: unknown).</summary>
    public readonly record struct MemorySample(long Rss, long WasmMemory, long ManagedLive);

    public static async Task<IdleFigures> IdleAsync(string abi, int warmup, int count, Action<string> progress)
    {
        await using var listener = await StartListenerAsync(abi, perf: false, keepLines: false);
        await Task.Delay(TimeSpan.FromSeconds(2)); // start-up allocations settle
        var start = await SampleAsync(listener.Process);
        await using var host = Peers.CreateHost();
        var address = listener.Address.WithoutPeerId();
        int failures = 0;
        async Task OpenAsync(int n)
        {
            int target = host.ConnectionCount + n, next = -1;
            async Task Worker()
            {
                while (Interlocked.Increment(ref next) < n)
                {
                    try { await host.DialAsync(address).AsTask().WaitAsync(TimeSpan.FromSeconds(60)); }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        if (Interlocked.Increment(ref failures) <= 3) progress($"dial failed: {e.GetType().Name}: {e.Message}");
                    }
                }
            }
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Worker()));
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
            while (listener.Process.ConnectionOpens < host.ConnectionCount && Stopwatch.GetTimestamp() < deadline)
                await Task.Delay(100);
            await Task.Delay(TimeSpan.FromSeconds(3)); // identify exchanges settle
        }
        await OpenAsync(warmup);
        int warmOpened = host.ConnectionCount;
        var warm = await SampleAsync(listener.Process);
        await OpenAsync(count);
        var end = await SampleAsync(listener.Process);
        return new IdleFigures(warmOpened, count, host.ConnectionCount - warmOpened, listener.Process.ConnectionOpens - warmOpened, start, warm, end);
    }

    /// <summary>RSS and the Wasm memory from /proc; the managed live bytes from the host's memory report (kill -USR2, wasm/host/main.mjs).</summary>
    private static async Task<MemorySample> SampleAsync(Child listener)
    {
        long rss = listener.ReadRssBytes(), wasm = ProcStatus.WasmMemoryRssBytes(listener.Pid), managed = -1;
        if (ProcStatus.SendUsr2(listener.Pid))
        {
            try { managed = (await listener.WaitForEventAsync("memory", TimeSpan.FromSeconds(30))).GetProperty("managed_live_bytes").GetInt64(); }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException or KeyNotFoundException) { }
        }
        return new MemorySample(rss, wasm, managed);
    }

    /// <summary>A plain echo server on System.Net.Sockets: echoes until EOF, then half-closes.</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        public EchoServer()
        {
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        private async Task AcceptAsync()
        {
            try
            {
                while (true) _ = EchoAsync(await _listener.AcceptSocketAsync(_stop.Token));
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { }
        }

        private async Task EchoAsync(Socket socket)
        {
            using var s = socket;
            s.NoDelay = true;
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    int n = await s.ReceiveAsync(buffer, _stop.Token);
                    if (n == 0) break;
                    await s.SendAsync(buffer.AsMemory(0, n), _stop.Token);
                }
                s.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException) { }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }
}
