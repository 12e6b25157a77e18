using System.Text.Json;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Interop.Tests.Infrastructure;
using Libp2p.Interop.Tests.JsPeers;
using Libp2p.Multiformats;
using Libp2p.Protocols.Identify;
using Libp2p.Protocols.Ping;
using Libp2p.Transports.Tcp;
using Xunit.Abstractions;

namespace Libp2p.Interop.Tests.Wasm;

/// <summary>
/// The whole stack inside WebAssembly (`wasm/p2p`: the `p2p` tool built for browser-wasm, reaching the network
/// only through wasi:sockets on jco's host): Noise + Yamux ping, identify and perf with a native C# host and with
/// js-libp2p, in both directions. Each Wasm node is its own Node process with a hard timeout.
/// </summary>
[Collection(WasmAppCollection.Name)]
public sealed class WasmHostTests(WasmAppFixture app, ITestOutputHelper output)
{
    private static readonly TimeSpan Hard = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan T = TimeSpan.FromSeconds(60);
    private const string WasmAgent = "p2p-dotnet-wasm/0.1.0";

    private static Libp2pHost NativeHost(bool perf = false)
    {
        var options = new HostOptions { EnablePerf = perf, AgentVersion = "native-test" };
        options.Transports.Add(new TcpTransport());
        return new Libp2pHost(options);
    }

    private static IEnumerable<JsonElement> Events(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{')).Select(WasmAppFixture.Parse);

    private async Task<(ChildProcess Process, string PeerId, string Addr)> StartWasmListenerAsync(string abi, params string[] extra)
    {
        var wasm = app.Start(abi, Hard, ["listen", "--json", .. extra]);
        var line = await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "listening"), T);
        var e = WasmAppFixture.Parse(line);
        return (wasm, e.GetProperty("peerId").GetString()!, e.GetProperty("addrs")[0].GetString()!);
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task WasmPingsAndIdentifiesANativeHost(string abi)
    {
        await using var native = NativeHost();
        var addr = (await native.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T))[0].WithPeerId(native.PeerId);

        await using (var ping = app.Start(abi, Hard, "ping", addr.ToString(), "--count", "3", "--interval", "0", "--json"))
        {
            Assert.True(await ping.WaitForExitAsync(T) == 0, ping.Stderr);
            var events = Events(ping.Stdout).ToList();
            Assert.Equal(3, events.Count(e => e.GetProperty("event").GetString() == "ping"));
            Assert.All(events.Where(e => e.GetProperty("event").GetString() == "ping"),
                e => Assert.Equal(native.PeerId.ToString(), e.GetProperty("peer").GetString()));
            var summary = events.Single(e => e.GetProperty("event").GetString() == "summary");
            Assert.True(summary.GetProperty("minMs").GetDouble() <= summary.GetProperty("maxMs").GetDouble());
        }

        await using (var identify = app.Start(abi, Hard, "identify", addr.ToString(), "--json"))
        {
            Assert.True(await identify.WaitForExitAsync(T) == 0, identify.Stderr);
            var info = Events(identify.Stdout).Single();
            Assert.Equal(native.PeerId.ToString(), info.GetProperty("peerId").GetString());
            Assert.Equal("native-test", info.GetProperty("agentVersion").GetString());
            var protocols = info.GetProperty("protocols").EnumerateArray().Select(p => p.GetString()).ToList();
            Assert.Contains(PingProtocol.ProtocolId, protocols);
            Assert.Contains(IdentifyProtocol.ProtocolId, protocols);
            Assert.Contains(addr.WithoutPeerId().ToString(), info.GetProperty("listenAddrs").EnumerateArray().Select(a => a.GetString()));
        }
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task ANativeHostIdentifiesAWasmDialerOnItsOwn(string abi)
    {
        await using var native = NativeHost();
        var addr = (await native.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T))[0].WithPeerId(native.PeerId);

        // A dialer that stays connected (a ping a second for a minute) until the native side's own identify is done: a
        // short-lived one can leave before the identify delay has passed on a loaded machine.
        await using var ping = app.Start(abi, Hard, "ping", addr.ToString(), "--count", "60", "--interval", "1", "--json");
        using var cts = new CancellationTokenSource(T);
        while (true)
        {
            if (await native.Events.ReadAsync(cts.Token) is HostEvent.PeerIdentified p)
            {
                Assert.Equal(WasmAgent, p.Connection.RemoteIdentify!.AgentVersion);
                Assert.Equal(ConnectionDirection.Inbound, p.Connection.Direction);
                break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task NativeHostPingsIdentifiesAndPerfsAWasmListener(string abi)
    {
        var (wasm, wasmId, wasmAddr) = await StartWasmListenerAsync(abi, "--perf");
        await using var _ = wasm;
        await using var native = NativeHost();

        var conn = await native.DialAsync(Multiaddr.Parse(wasmAddr)).AsTask().WaitAsync(T);
        Assert.Equal(wasmId, conn.RemotePeer.ToString());
        for (int i = 0; i < 3; i++)
            Assert.True(await native.PingAsync(conn).AsTask().WaitAsync(T) > TimeSpan.Zero);

        var info = await native.IdentifyAsync(conn).AsTask().WaitAsync(T);
        Assert.Equal(WasmAgent, info.AgentVersion);
        Assert.Equal(wasmId, PublicKey.FromProtobuf(info.PublicKey).ToPeerId().ToString());
        Assert.Contains(Multiaddr.Parse(wasmAddr).WithoutPeerId(), info.ListenAddresses);
        Assert.Contains("/perf/1.0.0", info.Protocols);

        // Enough to cross many yamux windows and Noise frames both ways; speed is the benchmark's (bench/run --only wasm).
        const ulong size = 4UL << 20;
        var perf = await native.PerfAsync(conn, size, size).AsTask().WaitAsync(TimeSpan.FromSeconds(100));
        Assert.Equal(size, perf.UploadBytes);
        Assert.Equal(size, perf.DownloadBytes);
        output.WriteLine($"native -> wasm ({abi}) perf 4 MiB: upload {size / perf.UploadTime.TotalSeconds / 1e6:0.0} MB/s, download {size / perf.DownloadTime.TotalSeconds / 1e6:0.0} MB/s");

        var open = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "connection:open"), T));
        Assert.Equal(native.PeerId.ToString(), open.GetProperty("peer").GetString());
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task WasmPingsAndIdentifiesJsLibp2p(string abi)
    {
        await using var js = await JsPeer.StartAsync();
        await using var ping = app.Start(abi, Hard, "ping", js.Addrs[0], "--count", "2", "--interval", "0", "--json");
        Assert.True(await ping.WaitForExitAsync(T) == 0, ping.Stderr);
        Assert.Equal(2, Events(ping.Stdout).Count(e => e.GetProperty("event").GetString() == "ping"));

        await using var identify = app.Start(abi, Hard, "identify", js.Addrs[0], "--json");
        Assert.True(await identify.WaitForExitAsync(T) == 0, identify.Stderr);
        var info = Events(identify.Stdout).Single();
        Assert.Equal(js.PeerId, info.GetProperty("peerId").GetString());
        Assert.Contains(PingProtocol.ProtocolId, info.GetProperty("protocols").EnumerateArray().Select(p => p.GetString()));
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task JsLibp2pPingsAndIdentifiesAWasmListener(string abi)
    {
        var (wasm, wasmId, wasmAddr) = await StartWasmListenerAsync(abi);
        await using var _ = wasm;
        await using var js = await JsPeer.StartAsync("--dial", wasmAddr, "--ping", "2", "--identify", "--exit-after-actions");
        var (exit, events) = await js.WaitForExitAsync(T);
        Assert.True(exit == 0, string.Join('\n', events) + js.Process.Stderr);
        Assert.Equal(2, events.Count(e => e.GetProperty("event").GetString() == "ping"));
        var id = events.Single(e => e.GetProperty("event").GetString() == "identify");
        Assert.Equal(wasmId, id.GetProperty("peerId").GetString());
        Assert.Equal(WasmAgent, id.GetProperty("agentVersion").GetString());
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task WithoutTheNetworkCapabilityListenAndPingFailWithAccessDenied(string abi)
    {
        await using (var listen = app.Start(abi, Hard, "--deny-network", "listen", "--json"))
        {
            Assert.Equal(1, await listen.WaitForExitAsync(T));
            var line = Assert.Single(listen.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("denied", line, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("listening", listen.Stdout);
        }
        await using (var ping = app.Start(abi, Hard, "--deny-network", "ping", "/ip4/127.0.0.1/tcp/9/p2p/" + PrivateKey.Generate().ToPeerId(), "--count", "1"))
        {
            Assert.Equal(1, await ping.WaitForExitAsync(T));
            var line = Assert.Single(ping.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("denied", line, StringComparison.OrdinalIgnoreCase);
        }
    }
}
