using System.Text.Json;
using Libp2p.Host;
using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Transports.Tcp;

namespace Libp2p.Bench;

/// <summary>A started listener process and the address it announced (with <c>/p2p/&lt;id&gt;</c>).</summary>
public sealed record Listener(Child Process, Multiaddr Address) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

/// <summary>Starts the peers the benchmarks talk to: the C# `p2p` CLI and the js-libp2p peer.mjs.</summary>
public static class Peers
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public static string RepoRoot { get; } = FindRoot();

    public static string JsDir => Path.Combine(RepoRoot, "interop", "js");

    /// <summary>p2p.dll, built next to the bench through the project reference.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "p2p.dll");

    /// <summary>
    /// The NativeAOT `p2p` executable, the tool as users run it: <c>LIBP2P_BENCH_P2P</c> (bench/run publishes it to
    /// artifacts/bench/p2p and sets it), or null when there is none.
    /// </summary>
    public static string? AotCli { get; } = FindAotCli();

    private static string? FindAotCli()
    {
        string? path = Environment.GetEnvironmentVariable("LIBP2P_BENCH_P2P");
        if (string.IsNullOrEmpty(path)) path = Path.Combine(RepoRoot, "artifacts", "bench", "p2p", "p2p");
        return File.Exists(path) ? Path.GetFullPath(path) : null;
    }

    /// <summary>
    /// `p2p listen --perf --json` as the NativeAOT executable (null when there is none), limits lifted as in
    /// <see cref="StartCSharpListenerAsync"/>.
    /// </summary>
    public static async Task<Listener?> StartAotListenerAsync(TimeSpan hardTimeout, bool keepLines = true)
    {
        if (AotCli is null) return null;
        var child = Child.Start("p2p (NativeAOT) listen", AotCli,
            ["listen", "--perf", "--json", "--listen", "/ip4/127.0.0.1/tcp/0", "--limit", "all=unlimited"], hardTimeout, keepLines: keepLines);
        return await ListeningAsync(child);
    }

    /// <summary>What the C# listener process is: the CLI, or the bench's own serve mode when the CLI failed.</summary>
    public static string CSharpListenerKind { get; private set; } = "p2p listen --perf --json";

    private static bool s_cliFailed;

    /// <summary>
    /// `dotnet p2p.dll listen --perf --json` on an ephemeral loopback port. If the CLI cannot start,
    /// `dotnet Libp2p.Bench.dll serve` (same host settings) is used instead, and said so once.
    /// </summary>
    /// <remarks>
    /// Every resource limit is lifted (<c>--limit all=unlimited</c>) unless <paramref name="defaultLimits"/>: the bench
    /// opens thousands of connections from 127.0.0.1, far past the per-address and per-peer defaults. The attack
    /// section keeps the defaults.
    /// </remarks>
    public static async Task<Listener> StartCSharpListenerAsync(TimeSpan hardTimeout, bool keepLines = true, bool defaultLimits = false)
    {
        if (!s_cliFailed || defaultLimits)
        {
            string[] limits = defaultLimits ? [] : ["--limit", "all=unlimited"];
            var child = Child.Start("p2p listen", "dotnet",
                [CliDll, "listen", "--perf", "--json", "--listen", "/ip4/127.0.0.1/tcp/0", .. limits], hardTimeout, keepLines: keepLines);
            try { return await ListeningAsync(child); }
            catch (InvalidOperationException e)
            {
                s_cliFailed = true;
                CSharpListenerKind = "Libp2p.Bench serve (the p2p CLI failed to start)";
                Console.WriteLine($"  note: `p2p listen` did not start ({FirstLine(e.Message)}); using `Libp2p.Bench serve` instead");
            }
        }
        var serve = Child.Start("Libp2p.Bench serve", "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "Libp2p.Bench.dll"), "serve"], hardTimeout, keepLines: keepLines);
        return await ListeningAsync(serve);
    }

    private static string FirstLine(string s)
    {
        var lines = s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.LastOrDefault(l => l.Length > 0) ?? s;
    }

    /// <summary>`node peer.mjs --listen /ip4/127.0.0.1/tcp/0` (always serves /perf/1.0.0).</summary>
    public static async Task<Listener> StartJsListenerAsync(TimeSpan hardTimeout)
    {
        var child = StartJs("peer.mjs listen", ["--listen", "/ip4/127.0.0.1/tcp/0"], hardTimeout);
        return await ListeningAsync(child);
    }

    public static Child StartJs(string name, IEnumerable<string> args, TimeSpan hardTimeout)
        => Child.Start(name, "node", ["peer.mjs", .. args], hardTimeout, JsDir);

    /// <summary>A host in this process with TCP; the caller disposes it.</summary>
    public static Libp2pHost CreateHost(bool enablePerf = false, bool enableIdentify = true, Libp2p.Security.ISecurityProtocol? security = null)
    {
        // Limits lifted: the bench dials thousands of connections to one address (see StartCSharpListenerAsync).
        var options = new HostOptions { EnablePerf = enablePerf, EnableIdentify = enableIdentify, IdleTimeout = null, Limits = ResourceLimits.Unlimited() };
        if (security is not null)
        {
            options.SecurityProtocols.Clear();
            options.SecurityProtocols.Add(security);
        }
        // Experiment knob (inherited by `Libp2p.Bench serve`, not by the p2p CLI): the yamux receive
        // window every stream starts with, in bytes.
        if (int.TryParse(Environment.GetEnvironmentVariable("LIBP2P_BENCH_YAMUX_WINDOW"), out int window))
        {
            options.Yamux.InitialWindowSize = window;
            options.Yamux.MaxWindowSize = Math.Max(window, options.Yamux.MaxWindowSize);
        }
        options.Transports.Add(new TcpTransport(new TcpTransportOptions()));
        return new Libp2pHost(options);
    }

    private static async Task<Listener> ListeningAsync(Child child)
    {
        try
        {
            var ev = await child.WaitForEventAsync("listening", StartTimeout);
            string peerId = ev.GetProperty("peerId").GetString()!;
            var tcp = ev.GetProperty("addrs").EnumerateArray()
                .Select(a => a.GetString()!)
                .First(a => a.StartsWith("/ip4/127.0.0.1/tcp/", StringComparison.Ordinal));
            var address = Multiaddr.Parse(tcp).WithPeerId(Identity.PeerId.Parse(peerId));
            return new Listener(child, address);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Libp2p.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root (Libp2p.slnx) not found above " + AppContext.BaseDirectory);
    }

    public static double GetDouble(JsonElement e, string name) => e.GetProperty(name).GetDouble();
}

/// <summary>A bench listener as the attack driver sees it.</summary>
internal sealed class AttackTarget(Listener listener) : Libp2p.Attacks.IAttackTarget
{
    public int ProcessId => listener.Process.Pid;
    public Libp2p.Multiformats.Multiaddr Address => listener.Address;
    public string Output => listener.Process.Stdout + listener.Process.Stderr;
    public bool HasExited => listener.Process.HasExited;
}
