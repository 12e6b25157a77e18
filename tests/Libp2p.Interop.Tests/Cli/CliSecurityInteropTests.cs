using Libp2p.Interop.Tests.JsPeers;
using Xunit.Abstractions;

namespace Libp2p.Interop.Tests.Cli;

/// <summary>
/// <c>p2p --security</c> against js-libp2p configured with one connection encrypter only (@libp2p/tls 3.1.10,
/// @libp2p/plaintext 3.0.26), both directions.
/// </summary>
public sealed class CliSecurityInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan T = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task P2pPingOverTlsToATlsOnlyJsPeerAlsoByDefaultAndAClearFailureWithoutTls()
    {
        await using var js = await JsPeer.StartAsync("--security", "tls");

        await PingAsync(js, "--security", "tls");
        var open = await js.WaitForEventAsync("connection:open", T);
        Assert.Equal("/tls/1.0.0", open.GetProperty("encryption").GetString());
        Assert.Equal("/yamux/1.0.0", open.GetProperty("multiplexer").GetString());

        // The default list (noise, then tls): js refuses the optimistic /noise, the dialer dials again with both.
        await PingAsync(js);
        open = await js.WaitForEventAsync("connection:open", T);
        Assert.Equal("/tls/1.0.0", open.GetProperty("encryption").GetString());

        var r = await P2p.RunAsync("ping", js.Addrs[0], "--count", "1", "--security", "plaintext", "--timeout", "10");
        P2p.AssertOneLineFailure(r, "/plaintext/2.0.0");
    }

    [Fact]
    public async Task P2pPingOverPlaintextToAPlaintextOnlyJsPeer()
    {
        await using var js = await JsPeer.StartAsync("--security", "plaintext");
        await PingAsync(js, "--security", "plaintext");
        var open = await js.WaitForEventAsync("connection:open", T);
        Assert.Equal("/plaintext/2.0.0", open.GetProperty("encryption").GetString());

        var r = await P2p.RunAsync("ping", js.Addrs[0], "--security", "quic");
        P2p.AssertOneLineFailure(r, "--security must be noise, tls or plaintext", "quic");
    }

    private async Task PingAsync(JsPeer js, params string[] security)
    {
        var r = await P2p.RunAsync(["ping", js.Addrs[0], "--count", "3", "--interval", "0", "--json", .. security]);
        output.WriteLine(r.Stdout);
        Assert.True(r.ExitCode == 0, $"ping exited {r.ExitCode}: {r.Stderr}");
        var lines = CliJson.Lines(r.Stdout);
        Assert.Equal(["ping", "ping", "ping", "summary"], lines.Select(CliJson.Kind));
        Assert.All(lines.Take(3), l => Assert.Equal(js.PeerId, l.GetProperty("peer").GetString()));
    }

    [Theory]
    [InlineData("tls", "/tls/1.0.0")]
    [InlineData("plaintext", "/plaintext/2.0.0")]
    public async Task AJsPeerThatOnlySpeaksItPingsP2pListen(string security, string protocolId)
    {
        await using var listener = await CliListener.StartAsync("--security", security);
        await using var js = await JsPeer.StartAsync("--security", security, "--dial", listener.Addrs[0], "--ping", "2", "--exit-after-actions");

        var (code, events) = await js.WaitForExitAsync(T);
        foreach (var e in events) output.WriteLine(e.GetRawText());
        Assert.True(code == 0, $"peer.mjs exited {code}. stderr:\n{js.Process.Stderr}");
        Assert.DoesNotContain(events, e => CliJson.Kind(e) == "error");
        Assert.Equal(2, events.Count(e => CliJson.Kind(e) == "ping"));
        var jsOpen = Assert.Single(events, e => CliJson.Kind(e) == "connection:open");
        Assert.Equal(protocolId, jsOpen.GetProperty("encryption").GetString());

        var open = await listener.WaitForEventAsync("connection:open", e => e.GetProperty("peer").GetString() == js.PeerId);
        Assert.Equal(protocolId, open.GetProperty("security").GetString());
    }
}
