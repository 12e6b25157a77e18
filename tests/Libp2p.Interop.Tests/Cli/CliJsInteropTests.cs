using Libp2p.Interop.Tests.JsPeers;
using Xunit.Abstractions;

namespace Libp2p.Interop.Tests.Cli;

/// <summary>The CLI against js-libp2p (interop/js/peer.mjs), both directions.</summary>
public sealed class CliJsInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan T = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task P2pPingAgainstJsPeer()
    {
        await using var js = await JsPeer.StartAsync();

        var r = await P2p.RunAsync("ping", js.Addrs[0], "--count", "3", "--interval", "0", "--json");
        output.WriteLine(r.Stdout);
        Assert.True(r.ExitCode == 0, $"ping exited {r.ExitCode}: {r.Stderr}");
        var lines = CliJson.Lines(r.Stdout);
        Assert.Equal(["ping", "ping", "ping", "summary"], lines.Select(CliJson.Kind));
        Assert.All(lines.Take(3), l => Assert.Equal(js.PeerId, l.GetProperty("peer").GetString()));
        var s = lines[3];
        Assert.True(s.GetProperty("minMs").GetDouble() <= s.GetProperty("medianMs").GetDouble());
        Assert.True(s.GetProperty("medianMs").GetDouble() <= s.GetProperty("maxMs").GetDouble());
    }

    [Fact]
    public async Task P2pIdentifyAgainstJsPeer()
    {
        await using var js = await JsPeer.StartAsync();

        var r = await P2p.RunAsync("identify", js.Addrs[0], "--json");
        output.WriteLine(r.Stdout);
        Assert.True(r.ExitCode == 0, $"identify exited {r.ExitCode}: {r.Stderr}");
        var info = Assert.Single(CliJson.Lines(r.Stdout));
        Assert.Equal(js.PeerId, info.GetProperty("peerId").GetString());
        Assert.Equal("libp2p-dotnet-interop-js/peer.mjs", info.GetProperty("agentVersion").GetString());
        var protocols = CliJson.Strings(info, "protocols");
        Assert.Contains("/ipfs/ping/1.0.0", protocols);
        Assert.Contains("/ipfs/id/1.0.0", protocols);
        Assert.Contains("/perf/1.0.0", protocols);
        Assert.Contains(js.TcpAddr, CliJson.Strings(info, "listenAddrs"));
    }

    [Fact]
    public async Task P2pPerfAgainstJsPeer()
    {
        await using var js = await JsPeer.StartAsync();

        var r = await P2p.RunAsync("perf", js.Addrs[0], "--upload", "4194304", "--download", "8388608", "--json");
        output.WriteLine(r.Stdout);
        Assert.True(r.ExitCode == 0, $"perf exited {r.ExitCode}: {r.Stderr}");
        var result = Assert.Single(CliJson.Lines(r.Stdout));
        Assert.Equal(4194304, result.GetProperty("uploadBytes").GetInt64());
        Assert.Equal(8388608, result.GetProperty("downloadBytes").GetInt64());
    }

    [Fact]
    public async Task JsPeerPingsAndIdentifiesP2pListen()
    {
        await using var listener = await CliListener.StartAsync();
        await using var js = await JsPeer.StartAsync("--dial", listener.Addrs[0], "--ping", "2", "--identify", "--exit-after-actions");

        var (code, events) = await js.WaitForExitAsync(T);
        foreach (var e in events) output.WriteLine(e.GetRawText());
        Assert.True(code == 0, $"peer.mjs exited {code}. stderr:\n{js.Process.Stderr}");
        Assert.DoesNotContain(events, e => CliJson.Kind(e) == "error");
        Assert.Equal(2, events.Count(e => CliJson.Kind(e) == "ping"));
        var identify = Assert.Single(events, e => CliJson.Kind(e) == "identify");
        Assert.Equal(listener.PeerId, identify.GetProperty("peerId").GetString());
        var protocols = CliJson.Strings(identify, "protocols");
        Assert.Contains("/ipfs/ping/1.0.0", protocols);
        Assert.Contains("/ipfs/id/1.0.0", protocols);
        Assert.StartsWith("p2p-dotnet/", identify.GetProperty("agentVersion").GetString());

        // and the listener printed the js peer's connection
        var open = await listener.WaitForEventAsync("connection:open", e => e.GetProperty("peer").GetString() == js.PeerId);
        Assert.Equal("inbound", open.GetProperty("direction").GetString());
    }
}
