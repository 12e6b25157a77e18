using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Libp2p.Interop.Tests.Cli;

/// <summary>
/// <c>p2p listen</c> against <c>p2p ping</c>, <c>p2p identify</c> and <c>p2p perf</c>: each a separate process,
/// JSON-lines output checked field by field, clean shutdown on SIGTERM.
/// </summary>
public sealed class CliNodeTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan T = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("p2p-cli-node-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ListenWithKeyThenPingThreeTimesThenSigtermClosesCleanly()
    {
        var (listenKey, listenId) = await P2p.KeygenAsync(_dir, "listener.key");
        var idRun = await P2p.RunAsync("id", "--key", listenKey);
        Assert.Equal(0, idRun.ExitCode);
        Assert.Equal(listenId, idRun.Stdout.Trim());
        var (pingKey, pingId) = await P2p.KeygenAsync(_dir, "pinger.key");

        await using var listener = await CliListener.StartAsync("--key", listenKey);
        Assert.Equal(listenId, listener.PeerId);
        Assert.NotEmpty(listener.Addrs);
        Assert.All(listener.Addrs, a => Assert.Matches($"^/ip4/127\\.0\\.0\\.1/tcp/[1-9][0-9]*/p2p/{listenId}$", a));

        var ping = await P2p.RunAsync("ping", listener.Addrs[0], "--count", "3", "--interval", "0", "--json", "--key", pingKey);
        output.WriteLine(ping.Stdout);
        Assert.True(ping.ExitCode == 0, $"ping exited {ping.ExitCode}: {ping.Stderr}");
        var lines = CliJson.Lines(ping.Stdout);
        Assert.Equal(4, lines.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("ping", CliJson.Kind(lines[i]));
            Assert.Equal(i + 1, lines[i].GetProperty("seq").GetInt32());
            Assert.Equal(listenId, lines[i].GetProperty("peer").GetString());
            Assert.True(lines[i].GetProperty("rttMs").GetDouble() >= 0);
        }
        var summary = lines[3];
        Assert.Equal("summary", CliJson.Kind(summary));
        Assert.Equal(3, summary.GetProperty("count").GetInt32());
        double min = summary.GetProperty("minMs").GetDouble(), median = summary.GetProperty("medianMs").GetDouble(), max = summary.GetProperty("maxMs").GetDouble();
        Assert.True(min <= median && median <= max, $"min {min} median {median} max {max}");
        var rtts = lines.Take(3).Select(l => l.GetProperty("rttMs").GetDouble()).Order().ToArray();
        Assert.Equal(rtts[0], min);
        Assert.Equal(rtts[1], median);
        Assert.Equal(rtts[2], max);

        var open = await listener.WaitForEventAsync("connection:open", e => e.GetProperty("peer").GetString() == pingId);
        Assert.Equal("inbound", open.GetProperty("direction").GetString());

        var (code, all) = await listener.TerminateAsync(T);
        output.WriteLine(listener.Process.Stdout);
        Assert.True(code == 0, $"listen exited {code} on SIGTERM. stderr:\n{listener.Process.Stderr}");
        Assert.Equal("listening", CliJson.Kind(all[0]));
        Assert.Equal("closed", CliJson.Kind(all[^1]));
        Assert.Single(all, e => CliJson.Kind(e) == "closed");
        Assert.Equal("", listener.Process.Stderr);
    }

    [Fact]
    public async Task IdentifyReportsTheListenersIdProtocolsAndListenAddress()
    {
        await using var listener = await CliListener.StartAsync();

        var r = await P2p.RunAsync("identify", listener.Addrs[0], "--json");
        output.WriteLine(r.Stdout);
        Assert.True(r.ExitCode == 0, $"identify exited {r.ExitCode}: {r.Stderr}");
        var info = Assert.Single(CliJson.Lines(r.Stdout));
        Assert.Equal(listener.PeerId, info.GetProperty("peerId").GetString());
        var protocols = CliJson.Strings(info, "protocols");
        Assert.Contains("/ipfs/ping/1.0.0", protocols);
        Assert.Contains("/ipfs/id/1.0.0", protocols);
        Assert.DoesNotContain("/perf/1.0.0", protocols); // only with listen --perf
        Assert.Contains(listener.TcpAddr, CliJson.Strings(info, "listenAddrs"));
        Assert.StartsWith("p2p-dotnet/", info.GetProperty("agentVersion").GetString());
        Assert.StartsWith("/ip4/127.0.0.1/tcp/", info.GetProperty("observedAddr").GetString());
        Assert.False(string.IsNullOrEmpty(info.GetProperty("publicKey").GetString()));
    }

    [Fact]
    public async Task PerfMovesExactByteCountsAgainstListenWithPerf()
    {
        await using var listener = await CliListener.StartAsync("--perf");

        var r = await P2p.RunAsync("perf", listener.Addrs[0], "--upload", "8388608", "--download", "16777216", "--json");
        output.WriteLine(r.Stdout);
        Assert.True(r.ExitCode == 0, $"perf exited {r.ExitCode}: {r.Stderr}");
        var result = Assert.Single(CliJson.Lines(r.Stdout));
        Assert.Equal(8388608, result.GetProperty("uploadBytes").GetInt64());
        Assert.Equal(16777216, result.GetProperty("downloadBytes").GetInt64());
        Assert.True(result.GetProperty("uploadSeconds").GetDouble() > 0);
        Assert.True(result.GetProperty("downloadSeconds").GetDouble() > 0);
        Assert.Equal(4, result.EnumerateObject().Count());
    }

    [Fact]
    public async Task PerfAgainstListenWithoutPerfIsOneLineAndExit1()
    {
        await using var listener = await CliListener.StartAsync();

        var r = await P2p.RunAsync("perf", listener.Addrs[0], "--upload", "8388608", "--download", "16777216", "--json");
        P2p.AssertOneLineFailure(r, "/perf/1.0.0");
    }

    [Fact]
    public async Task HumanPingPrintsALinePerPongAndASummary()
    {
        await using var listener = await CliListener.StartAsync();

        var r = await P2p.RunAsync("ping", listener.Addrs[0], "--count", "2", "--interval", "0");
        output.WriteLine(r.Stdout);
        Assert.True(r.ExitCode == 0, $"ping exited {r.ExitCode}: {r.Stderr}");
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches($"^pong from {listener.PeerId}: seq=1 time=[0-9.]+ ms$", lines[0]);
        Assert.Matches($"^pong from {listener.PeerId}: seq=2 time=[0-9.]+ ms$", lines[1]);
        var m = Regex.Match(lines[2], "^2 pings: min/median/max = ([0-9.]+)/([0-9.]+)/([0-9.]+) ms$");
        Assert.True(m.Success, lines[2]);
        Assert.True(double.Parse(m.Groups[1].Value) <= double.Parse(m.Groups[2].Value));
        Assert.True(double.Parse(m.Groups[2].Value) <= double.Parse(m.Groups[3].Value));
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public async Task HumanPerfPrintsUploadAndDownloadLinesAndProgressOnStderr()
    {
        await using var listener = await CliListener.StartAsync("--perf");

        var r = await P2p.RunAsync("perf", listener.Addrs[0], "--upload", "1048576", "--download", "2097152");
        output.WriteLine(r.Stdout);
        output.WriteLine(r.Stderr);
        Assert.True(r.ExitCode == 0, $"perf exited {r.ExitCode}: {r.Stderr}");
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches("^upload: +1048576 bytes in [0-9.]+ s \\(([0-9.]+ MB/s|n/a)\\)$", lines[0]);
        Assert.Matches("^download: +2097152 bytes in [0-9.]+ s \\(([0-9.]+ MB/s|n/a)\\)$", lines[1]);
        // The progress display ends on the final totals, however short the run was.
        var progress = r.Stderr.Split('\r', '\n').Last(s => s.Trim().Length > 0);
        Assert.Matches("^perf: up 100% \\(1\\.0 MiB\\)  down 100% \\(2\\.0 MiB\\)", progress);
        Assert.DoesNotContain("p2p:", r.Stderr);
    }
}
