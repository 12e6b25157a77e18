using Libp2p.Crypto;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.WasmApp;

/// <summary>
/// What bench/run's <c>wasm</c> section drives from inside Wasm (one JSON line each): set-up latency and
/// <c>/perf</c> as the dialer, and the cipher alone. Warm-up runs first so the jiterpreter has compiled the hot paths.
/// </summary>
public static class BenchCommands
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(60);

    private static Libp2pHost CreateHost(WasmContext ctx, string? security = null)
    {
        var options = new HostOptions
        {
            Identity = PrivateKey.Generate(),
            AgentVersion = "p2p-dotnet-wasm-bench/0.1.0",
            IdleTimeout = null,
            TimeProvider = ctx.TimeProvider,
        };
        if (security is not null)
        {
            // One protocol only (the dialer then proposes it optimistically): the cost of that handshake inside Wasm.
            options.SecurityProtocols.Clear();
            options.SecurityProtocols.Add(security switch
            {
                "noise" => new Libp2p.Security.Noise.NoiseSecurity(),
                "tls" => new Libp2p.Security.Tls.TlsSecurity(),
                _ => throw new ArgumentException($"--security must be noise or tls, got '{security}'"),
            });
        }
        options.Transports.Add(ctx.CreateTransport());
        return new Libp2pHost(options);
    }

    /// <summary>
    /// <c>bench-setup MA --count N [--warmup W] [--security noise|tls]</c>: fresh connection, first ping on a new stream,
    /// close; N times.
    /// </summary>
    public static async Task<int> SetupAsync(WasmContext ctx, string[] args)
    {
        var target = Multiaddr.Parse(Args.Positional(args, 0, "MA")).WithoutPeerId();
        int count = (int)Args.Long(args, "--count", 50);
        int warmup = (int)Args.Long(args, "--warmup", 10);
        var security = Args.All(args, "--security");
        await using var host = CreateHost(ctx, security.Count == 0 ? null : security[^1]);
        var total = new List<double>(count);
        var dials = new List<double>(count);
        var pings = new List<double>(count);
        long allocatedBefore = 0, gcsBefore = 0;
        for (int i = 0; i < warmup + count; i++)
        {
            if (i == warmup)
            {
                allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                gcsBefore = GC.CollectionCount(0);
            }
            using var cts = new CancellationTokenSource(OperationTimeout, ctx.TimeProvider);
            long start = ctx.TimeProvider.GetTimestamp();
            var connection = await host.DialAsync(target, cts.Token);
            long dialed = ctx.TimeProvider.GetTimestamp();
            await host.PingAsync(connection, cts.Token);
            long end = ctx.TimeProvider.GetTimestamp();
            await connection.CloseAsync(cts.Token);
            if (i < warmup) continue;
            total.Add(ctx.TimeProvider.GetElapsedTime(start, end).TotalMilliseconds);
            dials.Add(ctx.TimeProvider.GetElapsedTime(start, dialed).TotalMilliseconds);
            pings.Add(ctx.TimeProvider.GetElapsedTime(dialed, end).TotalMilliseconds);
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        JsonLine.Write("setup", ("count", count), ("median_ms", Median(total)), ("p95_ms", Percentile(total, 0.95)),
            ("min_ms", total.Min()), ("dial_median_ms", Median(dials)), ("ping_median_ms", Median(pings)),
            ("allocated_kib_per_dial", allocated / 1024.0 / count), ("gcs", GC.CollectionCount(0) - gcsBefore));
        return 0;
    }

    /// <summary><c>bench-perf MA --bytes N --runs R</c>: on one connection, a 4 MiB warm-up, then R uploads and R downloads of N bytes.</summary>
    public static async Task<int> PerfAsync(WasmContext ctx, string[] args)
    {
        var target = Multiaddr.Parse(Args.Positional(args, 0, "MA"));
        ulong bytes = (ulong)Args.Long(args, "--bytes", 16 << 20);
        int runs = (int)Args.Long(args, "--runs", 3);
        await using var host = CreateHost(ctx);
        var connection = await host.DialAsync(target);
        await host.PerfAsync(connection, 4 << 20, 4 << 20);
        var up = new List<double>();
        var down = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var u = await host.PerfAsync(connection, bytes, 0);
            up.Add(bytes / 1e6 / u.UploadTime.TotalSeconds);
            var d = await host.PerfAsync(connection, 0, bytes);
            down.Add(bytes / 1e6 / d.DownloadTime.TotalSeconds);
        }
        JsonLine.Write("perf", ("bytes", bytes), ("runs", runs), ("upload_mbps", Median(up)), ("download_mbps", Median(down)));
        await connection.CloseAsync();
        return 0;
    }

    /// <summary><c>bench-cipher [--mib N]</c>: ChaCha20-Poly1305 seal of 64 KiB frames inside Wasm, per implementation.</summary>
    public static Task<int> CipherAsync(WasmContext ctx, string[] args)
    {
        int mib = (int)Args.Long(args, "--mib", 16);
        var key = new byte[32];
        Random.Shared.NextBytes(key);
        var frame = new byte[65519 + 16];
        var bouncyCastle = CryptoProvider.BouncyCastle.CreateChaCha20Poly1305(key);
        var managed = CryptoProvider.Managed.CreateChaCha20Poly1305(key);
        AppContext.SetSwitch("Libp2p.Crypto.ManagedChaCha20Poly1305.DisableVectors", true);
        var managedScalar = CryptoProvider.Managed.CreateChaCha20Poly1305(key);
        AppContext.SetSwitch("Libp2p.Crypto.ManagedChaCha20Poly1305.DisableVectors", false);
        foreach (var (name, cipher) in new (string, ChaCha20Poly1305Cipher)[]
        {
            ("bouncycastle", bouncyCastle), ("managed", managed), ("managed-scalar", managedScalar),
        })
        {
            using var _ = cipher;
            ulong nonce = 0;
            for (int i = 0; i < 16; i++) cipher.Seal(nonce++, default, frame.AsSpan(0, 65519), frame); // warm-up (jiterpreter)
            long bytes = (long)mib << 20;
            long start = ctx.TimeProvider.GetTimestamp();
            for (long done = 0; done < bytes; done += 65519) cipher.Seal(nonce++, default, frame.AsSpan(0, 65519), frame);
            double seconds = ctx.TimeProvider.GetElapsedTime(start).TotalSeconds;
            JsonLine.Write("cipher", ("impl", name), ("vector128_accelerated", System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated),
                ("mib_per_s", mib / seconds));
        }
        return Task.FromResult(0);
    }

    /// <summary>
    /// <c>bench-handshake [--iterations N]</c>: the public-key work of one Noise XX handshake inside Wasm, per
    /// operation, for the provider Wasm uses (bench/Libp2p.Bench/HandshakeCpu.cs, compiled into this app).
    /// </summary>
    public static Task<int> HandshakeAsync(WasmContext ctx, string[] args)
    {
        int iterations = (int)Args.Long(args, "--iterations", 100);
        var f = Libp2p.Bench.HandshakeCpu.Measure(CryptoProvider.Default, iterations);
        JsonLine.Write("handshake", ("provider", f.Provider), ("x25519_keypair_us", f.X25519KeyPairUs), ("x25519_agree_us", f.X25519AgreeUs),
            ("ed25519_sign_us", f.Ed25519SignUs), ("ed25519_verify_us", f.Ed25519VerifyUs), ("both_sides_ms", f.BothSidesMs));
        return Task.FromResult(0);
    }

    private static double Median(List<double> v) => Percentile(v, 0.5);

    private static double Percentile(List<double> v, double p)
    {
        var s = v.Order().ToArray();
        return s[Math.Clamp((int)Math.Ceiling(p * s.Length) - 1, 0, s.Length - 1)];
    }
}
