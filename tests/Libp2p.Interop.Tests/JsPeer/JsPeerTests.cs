using System.Text;
using System.Text.Json;
using Libp2p.Core;
using Libp2p.Multiformats;
using Libp2p.Transports.Tcp;
using Xunit.Abstractions;

namespace Libp2p.Interop.Tests.JsPeers;

/// <summary>The js peer itself (js↔js) and the C# TCP transport against it.</summary>
public sealed class JsPeerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string Seed = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    [Fact]
    public async Task JsDialerPingsIdentifiesEchoesAndRunsPerfAgainstJsListener()
    {
        await using var listener = await JsPeer.StartAsync("--seed", Seed);
        await using var dialer = await JsPeer.StartAsync(
            "--dial", listener.Addrs[0], "--ping", "3", "--identify",
            "--echo-streams", "4", "--echo-bytes", "1048576",
            "--perf-upload", "10485760", "--perf-download", "10485760", "--exit-after-actions");

        var (code, events) = await dialer.WaitForExitAsync(Timeout);
        foreach (var e in events) output.WriteLine(e.GetRawText());

        Assert.True(code == 0, $"exit {code}; stderr:\n{dialer.Process.Stderr}");
        Assert.DoesNotContain(events, e => Kind(e) == "error");
        var open = Assert.Single(events, e => Kind(e) == "connection:open");
        Assert.Equal(listener.PeerId, open.GetProperty("peer").GetString());

        var pings = events.Where(e => Kind(e) == "ping").ToList();
        Assert.Equal(3, pings.Count);
        Assert.All(pings, p => Assert.True(p.GetProperty("rttMs").GetDouble() > 0));

        var identify = Assert.Single(events, e => Kind(e) == "identify");
        Assert.Equal(listener.PeerId, identify.GetProperty("peerId").GetString());
        var protocols = identify.GetProperty("protocols").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("/ipfs/ping/1.0.0", protocols);
        Assert.Contains("/ipfs/id/1.0.0", protocols);
        Assert.Contains("/echo/1.0.0", protocols);
        Assert.Contains("/perf/1.0.0", protocols);
        Assert.Contains(listener.TcpAddr, identify.GetProperty("listenAddrs").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("libp2p-dotnet-interop-js/peer.mjs", identify.GetProperty("agentVersion").GetString());
        Assert.StartsWith("/ip4/127.0.0.1/tcp/", identify.GetProperty("observedAddr").GetString());

        var echo = Assert.Single(events, e => Kind(e) == "echo");
        Assert.True(echo.GetProperty("ok").GetBoolean());
        Assert.Equal(4, echo.GetProperty("streams").GetInt32());
        Assert.Equal(1048576, echo.GetProperty("bytes").GetInt32());

        var perf = Assert.Single(events, e => Kind(e) == "perf");
        Assert.Equal(10485760, perf.GetProperty("uploadBytes").GetInt64());
        Assert.Equal(10485760, perf.GetProperty("downloadBytes").GetInt64());
        output.WriteLine($"js->js perf 10 MiB: upload {perf.GetProperty("uploadMBps").GetDouble():0} MB/s, download {perf.GetProperty("downloadMBps").GetDouble():0} MB/s");

        // the listener saw the same work from its side
        var served = await listener.WaitForEventAsync("perf:served", Timeout);
        Assert.Equal(10485760, served.GetProperty("uploadBytes").GetInt64());
        Assert.Equal(4, listener.Events.Count(e => Kind(e) == "echo:served"));
    }

    [Fact]
    public async Task SeedGivesAStablePeerIdAndSigtermExitsCleanly()
    {
        await using var peer = await JsPeer.StartAsync("--seed", Seed);

        Assert.Equal("12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB", peer.PeerId);
        Assert.All(peer.Addrs, a => Assert.EndsWith("/p2p/" + peer.PeerId, a));

        peer.Terminate();
        var (code, _) = await peer.WaitForExitAsync(Timeout);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task AFailedActionPrintsAnErrorEventAndExits1()
    {
        await using var peer = await JsPeer.StartAsync("--dial", "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB", "--ping", "1", "--exit-after-actions");

        var (code, events) = await peer.WaitForExitAsync(Timeout);

        Assert.Equal(1, code);
        Assert.Contains(events, e => Kind(e) == "error");
        Assert.DoesNotContain(events, e => Kind(e) == "ping");
    }

    [Fact]
    public async Task TcpTransportDialsTheJsPeerAndSpeaksMultistreamSelectWithIt()
    {
        await using var peer = await JsPeer.StartAsync();
        await using var transport = new TcpTransport();

        // the printed address ends in /p2p/<id>: the transport accepts it and leaves the check to Noise
        await using var connection = await transport.DialAsync(Multiaddr.Parse(peer.Addrs[0])).AsTask().WaitAsync(Timeout);
        await connection.WriteAsync("\u0013/multistream/1.0.0\n\u0007/noise\n"u8.ToArray()).AsTask().WaitAsync(Timeout);

        var header = new byte[20];
        await connection.ReadExactlyAsync(header).AsTask().WaitAsync(Timeout);
        Assert.Equal("\u0013/multistream/1.0.0\n", Encoding.ASCII.GetString(header));
        var noise = new byte[8];
        await connection.ReadExactlyAsync(noise).AsTask().WaitAsync(Timeout);
        Assert.Equal("\u0007/noise\n", Encoding.ASCII.GetString(noise));
        Assert.Equal(peer.TcpAddr, connection.RemoteAddress.ToString());
    }

    private static string? Kind(JsonElement e) => e.GetProperty("event").GetString();
}
