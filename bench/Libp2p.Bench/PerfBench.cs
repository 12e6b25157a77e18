using System.Diagnostics;
using System.Globalization;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Bench;

/// <summary>Upload and download throughput of one perf pairing, in MB/s (10^6 bytes per second).</summary>
public sealed record Throughput(double UploadMBps, double DownloadMBps, string Cpu = "", double CpuUsPerMB = double.NaN)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"up {UploadMBps,7:0.0} MB/s   down {DownloadMBps,7:0.0} MB/s{Cpu}");
}

/// <summary>
/// <c>/perf/1.0.0</c> between the C# stack and js-libp2p in every pairing. Upload and download are
/// separate runs (upload N + download 0, then upload 0 + download N), each timed from opening the
/// stream to the server's EOF, so a phase's figure never includes the other phase. Each figure is
/// the median of <see cref="Runs"/> runs, after a small warm-up run on the same connection.
/// </summary>
public sealed class PerfBench(long bytes, int runs)
{
    public const long WarmupBytes = 4L << 20;
    public int Runs { get; } = runs;
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(5);

    /// <summary>C# host in this process dialing the listener at <paramref name="address"/>.</summary>
    /// <remarks>With <paramref name="listenerPid"/>, also the CPU time both processes spent per MB moved.</remarks>
    public async Task<Throughput> CSharpDialsAsync(Multiaddr address, int? listenerPid = null)
    {
        await using var host = Peers.CreateHost();
        var connection = await host.DialAsync(address);
        await RunCSharpAsync(host, connection, WarmupBytes, WarmupBytes);
        var up = new List<double>();
        var down = new List<double>();
        int self = Environment.ProcessId;
        double selfCpu = ProcStatus.CpuSeconds(self), otherCpu = listenerPid is { } p ? ProcStatus.CpuSeconds(p) : 0;
        long wallStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < Runs; i++)
        {
            up.Add(await RunCSharpAsync(host, connection, bytes, 0));
            down.Add(await RunCSharpAsync(host, connection, 0, bytes));
        }
        double wall = Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
        string cpu = "";
        double cpuPerMB = double.NaN;
        if (listenerPid is { } pid)
        {
            double mb = 2.0 * Runs * bytes / 1e6;
            double dialer = ProcStatus.CpuSeconds(self) - selfCpu, listener = ProcStatus.CpuSeconds(pid) - otherCpu;
            cpuPerMB = (dialer + listener) / mb * 1e6;
            cpu = string.Create(CultureInfo.InvariantCulture,
                $"   [CPU per MB: dialer {dialer / mb * 1e6:0} us, listener {listener / mb * 1e6:0} us; {(dialer + listener) / wall:0.00} cores busy]");
        }
        await connection.CloseAsync();
        return new Throughput(Stats.Median(up), Stats.Median(down), cpu, cpuPerMB);
    }

    /// <summary>
    /// The NativeAOT `p2p perf` executable dialing <paramref name="listener"/> (itself `p2p listen`, NativeAOT), as a user
    /// runs it: a new process and connection per run, upload and download as separate runs, each figure the
    /// transfer time the tool reports. CPU per MB of both processes (the dialer's from the kernel's count for
    /// reaped children, so its start-up and dial are included: a few ms per 100 MiB).
    /// </summary>
    public async Task<Throughput> AotDialsAsync(string p2p, Listener listener)
    {
        string address = listener.Address.ToString();
        await RunAotAsync(p2p, address, WarmupBytes, WarmupBytes);
        var up = new List<double>();
        var down = new List<double>();
        double dialerCpu = 0, listenerCpu = 0;
        int pid = listener.Process.Pid;
        long wallStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < Runs; i++)
        {
            foreach (bool upload in new[] { true, false })
            {
                double l0 = ProcStatus.CpuSeconds(pid), c0 = ProcStatus.ChildrenCpuSeconds();
                double mbps = await RunAotAsync(p2p, address, upload ? bytes : 0, upload ? 0 : bytes);
                dialerCpu += ProcStatus.ChildrenCpuSeconds() - c0;
                listenerCpu += ProcStatus.CpuSeconds(pid) - l0;
                (upload ? up : down).Add(mbps);
            }
        }
        double wall = Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
        double mb = 2.0 * Runs * bytes / 1e6;
        string cpu = string.Create(CultureInfo.InvariantCulture,
            $"   [CPU per MB: dialer {dialerCpu / mb * 1e6:0} us, listener {listenerCpu / mb * 1e6:0} us; {(dialerCpu + listenerCpu) / wall:0.00} cores busy]");
        return new Throughput(Stats.Median(up), Stats.Median(down), cpu, (dialerCpu + listenerCpu) / mb * 1e6);
    }

    private static async Task<double> RunAotAsync(string p2p, string address, long up, long down)
    {
        await using var dialer = Child.Start("p2p (NativeAOT) perf", p2p,
            ["perf", address, "--upload", up.ToString(CultureInfo.InvariantCulture), "--download", down.ToString(CultureInfo.InvariantCulture), "--json"],
            ChildTimeout);
        var result = await dialer.WaitForEventAsync(null, ChildTimeout);
        if (await dialer.WaitForExitAsync(TimeSpan.FromSeconds(30)) != 0)
            throw new InvalidOperationException($"p2p perf failed: {dialer.Stderr}");
        if (result.GetProperty("uploadBytes").GetInt64() != up || result.GetProperty("downloadBytes").GetInt64() != down)
            throw new InvalidOperationException($"p2p perf moved other byte counts than {up}/{down}: {result}");
        double seconds = up > 0 ? Peers.GetDouble(result, "uploadSeconds") : Peers.GetDouble(result, "downloadSeconds");
        return Math.Max(up, down) / 1e6 / seconds;
    }

    /// <summary>Two C# hosts in this one process (they share its thread pool).</summary>
    public async Task<Throughput> CSharpInProcessAsync()
    {
        await using var server = Peers.CreateHost(enablePerf: true);
        var addrs = await server.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        return await CSharpDialsAsync(addrs[0].WithPeerId(server.PeerId));
    }

    /// <summary>peer.mjs dialing <paramref name="address"/>: warm-up, then the runs, all on one connection.</summary>
    public async Task<Throughput> JsDialsAsync(Multiaddr address)
    {
        var args = new List<string>();
        void Dial(long up, long down) => args.AddRange(["--dial", address.ToString(),
            "--perf-upload", up.ToString(CultureInfo.InvariantCulture), "--perf-download", down.ToString(CultureInfo.InvariantCulture)]);
        Dial(WarmupBytes, WarmupBytes);
        for (int i = 0; i < Runs; i++) { Dial(bytes, 0); Dial(0, bytes); }
        args.Add("--exit-after-actions");
        await using var js = Peers.StartJs("peer.mjs dial", args, ChildTimeout);
        await js.WaitForEventAsync("perf", ChildTimeout); // warm-up
        var up = new List<double>();
        var down = new List<double>();
        for (int i = 0; i < Runs; i++)
        {
            var u = await js.WaitForEventAsync("perf", ChildTimeout);
            up.Add(bytes / 1e6 / Peers.GetDouble(u, "totalSeconds"));
            var d = await js.WaitForEventAsync("perf", ChildTimeout);
            down.Add(bytes / 1e6 / Peers.GetDouble(d, "totalSeconds"));
        }
        await js.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return new Throughput(Stats.Median(up), Stats.Median(down));
    }

    private static async Task<double> RunCSharpAsync(Libp2pHost host, Connection connection, long up, long down)
    {
        long start = Stopwatch.GetTimestamp();
        var r = await host.PerfAsync(connection, (ulong)up, (ulong)down).AsTask().WaitAsync(ChildTimeout);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (r.UploadBytes != (ulong)up || r.DownloadBytes != (ulong)down)
            throw new InvalidOperationException($"perf moved {r.UploadBytes}/{r.DownloadBytes} bytes, expected {up}/{down}");
        return Math.Max(up, down) / 1e6 / seconds;
    }
}

public static class Stats
{
    public static double Median(IReadOnlyList<double> values) => Percentile(values, 0.5);

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        int rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
