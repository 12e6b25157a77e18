using System.Globalization;

namespace Libp2p.Bench;

/// <summary>Command-line options of the bench.</summary>
public sealed class BenchOptions
{
    public static readonly string[] AllSections = ["baseline", "yamux", "perf", "setup", "idle", "wasm", "pubsub", "kad", "attacks", "relay", "tls"];

    public bool Quick { get; private set; }
    public long PerfBytes { get; private set; } = 100L << 20;
    public int Runs { get; private set; } = 3;
    public int SetupCount { get; private set; } = 200;
    public int SetupJsCount { get; private set; } = 50;
    public int IdleConnections { get; private set; } = 10_000;
    public int PubSubNodes { get; private set; } = 100;
    public int PubSubSeconds { get; private set; } = 20;
    public int KadNodes { get; private set; } = 200;
    public int KadLookups { get; private set; } = 200;
    public int KadRecords { get; private set; } = 50;
    /// <summary>Also measure set-up with identify off on the dialer (to see what identify costs).</summary>
    public bool SetupVariants { get; private set; }
    public HashSet<string> Sections { get; private set; } = [.. AllSections];
    /// <summary>wasm section: bytes per /perf transfer and raw echo (the Wasm stack moves tens of MB/s).</summary>
    public long WasmBytes { get; private set; } = 16L << 20;
    public int WasmSetupCount { get; private set; } = 50;
    public int WasmIdleConnections { get; private set; } = 200;
    /// <summary>wasm section: connections opened (and held) before the idle figure's baseline; they pay the one-time costs.</summary>
    public int WasmIdleWarmup { get; private set; } = 50;
    public string[] WasmAbis { get; private set; } = ["js", "canonical"];
    public static readonly string[] AllWasmParts = ["cipher", "raw", "perf", "setup", "idle"];
    /// <summary>wasm section: which figures to take (all by default; a subset to iterate on one of them).</summary>
    public HashSet<string> WasmParts { get; private set; } = [.. AllWasmParts];
    /// <summary>attacks section: only these attacks (null: all).</summary>
    public HashSet<string>? AttackNames { get; private set; }

    public static BenchOptions? Parse(string[] args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--quick": o.Quick = true; o.PerfBytes = 16L << 20; o.KadLookups = 100; break;
                case "--perf-mib": o.PerfBytes = long.Parse(Next(), CultureInfo.InvariantCulture) << 20; break;
                case "--runs": o.Runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--setup-count": o.SetupCount = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--setup-js-count": o.SetupJsCount = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--idle-connections": o.IdleConnections = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--setup-variants": o.SetupVariants = true; break;
                case "--kad-nodes": o.KadNodes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--kad-lookups": o.KadLookups = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--kad-records": o.KadRecords = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--wasm-mib": o.WasmBytes = long.Parse(Next(), CultureInfo.InvariantCulture) << 20; break;
                case "--wasm-setup-count": o.WasmSetupCount = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--wasm-idle-connections": o.WasmIdleConnections = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--wasm-idle-warmup": o.WasmIdleWarmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--wasm-abis":
                    o.WasmAbis = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (o.WasmAbis.Length == 0 || o.WasmAbis.Except(["js", "canonical"]).Any()) { Console.Error.WriteLine("--wasm-abis takes js,canonical"); return null; }
                    break;
                case "--wasm-parts":
                    o.WasmParts = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    if (o.WasmParts.Count == 0 || o.WasmParts.Except(AllWasmParts).Any()) { Console.Error.WriteLine($"--wasm-parts takes {string.Join(",", AllWasmParts)}"); return null; }
                    break;
                case "--pubsub-nodes": o.PubSubNodes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pubsub-seconds": o.PubSubSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--attacks":
                    o.AttackNames = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    if (o.AttackNames.Except(Libp2p.Attacks.Attacks.All.Select(a => a.Name)).FirstOrDefault() is { } unknown)
                    {
                        Console.Error.WriteLine($"unknown attack '{unknown}'; attacks: {string.Join(",", Libp2p.Attacks.Attacks.All.Select(a => a.Name))}");
                        return null;
                    }
                    break;
                case "--only":
                    o.Sections = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    if (o.Sections.Except(AllSections).FirstOrDefault() is { } bad)
                    {
                        Console.Error.WriteLine($"unknown section '{bad}'; sections: {string.Join(",", AllSections)}");
                        return null;
                    }
                    break;
                case "-h" or "--help":
                    Console.WriteLine("usage: Libp2p.Bench [--quick] [--only baseline,yamux,perf,setup,idle,wasm,pubsub,kad,attacks,relay,tls] [--perf-mib N] [--runs N] " +
                        "[--setup-count N] [--setup-js-count N] [--idle-connections N] [--setup-variants] [--wasm-mib N] [--wasm-setup-count N] [--wasm-idle-connections N] [--wasm-idle-warmup N] [--wasm-abis js,canonical] [--wasm-parts cipher,raw,perf,setup,idle] [--attacks NAME,...] [--pubsub-nodes N] [--pubsub-seconds S] [--kad-nodes N] [--kad-lookups N] [--kad-records N]");
                    return null;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]} (try --help)");
                    return null;
            }
        }
        return o;
    }
}

/// <summary>The open-file limit (.NET raises its soft limit to the hard one at start-up).</summary>
public static class FdLimit
{
    public static long Soft() => Read(3);

    public static string Describe() => $"soft {Read(3)}, hard {Read(4)}";

    /// <summary>The dialer needs one fd per connection plus some; cap the count to what the limit allows.</summary>
    public static int Fit(int wanted, Action<string> say)
    {
        long soft = Soft();
        if (soft <= 0 || soft >= wanted + 256) return wanted;
        int fit = (int)Math.Max(0, soft - 256);
        say($"open-file limit {soft} is below {wanted} connections + 256: opening {fit} (raise it with `ulimit -n` / prlimit, as bench/run does)");
        return fit;
    }

    // "Max open files            20000                20000                files"
    private static long Read(int column)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.TryParse(parts[column], CultureInfo.InvariantCulture, out long v) ? v : -1;
            }
        }
        catch (IOException) { }
        return -1;
    }
}
