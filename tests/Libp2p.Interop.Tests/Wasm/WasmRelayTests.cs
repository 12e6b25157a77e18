using Libp2p.Interop.Tests.Infrastructure;
using Libp2p.Interop.Tests.JsPeers;
using Libp2p.Interop.Tests.Relay;
using Libp2p.Multiformats;

namespace Libp2p.Interop.Tests.Wasm;

/// <summary>
/// A Wasm node reachable only through a relay: <c>wasm/p2p listen --via RELAY</c> listens on nothing, reserves a slot
/// on a native C# relay and announces the circuit address; a native host and js-libp2p ping it through the relay.
/// </summary>
[Collection(WasmAppCollection.Name)]
public sealed class WasmRelayTests(WasmAppFixture app)
{
    private static readonly TimeSpan Hard = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan T = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task AWasmNodeBehindARelayIsPingedByANativeHostAndByJs(string abi)
    {
        var (relayHost, service, relay) = await RelayJsInteropTests.StartRelayAsync();
        await using var _ = relayHost;
        await using var __ = service;

        await using var wasm = app.Start(abi, Hard, "listen", "--via", relay.ToString(), "--json");
        var listening = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "listening"), T));
        var wasmId = listening.GetProperty("peerId").GetString()!;
        var circuit = $"{relay}/p2p-circuit/p2p/{wasmId}";
        // Its only address is the circuit: nothing reaches it but through the relay.
        Assert.Equal([circuit], listening.GetProperty("addrs").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains(service.Reservations, p => p.ToString() == wasmId);

        await using (var native = RelayJsInteropTests.Host())
        {
            var connection = await native.DialAsync(Multiaddr.Parse(circuit)).AsTask().WaitAsync(T);
            Assert.Equal(wasmId, connection.RemotePeer.ToString());
            Assert.True(connection.IsLimited);
            for (int i = 0; i < 3; i++)
                Assert.True(await native.PingAsync(connection).AsTask().WaitAsync(T) > TimeSpan.Zero);
            var open = WasmAppFixture.Parse(await wasm.WaitForLineAsync(
                l => WasmAppFixture.IsEvent(l, "connection:open") && l.Contains(native.PeerId.ToString(), StringComparison.Ordinal), T));
            Assert.Equal("inbound", open.GetProperty("direction").GetString());
            Assert.Contains("/p2p-circuit/", open.GetProperty("remoteAddr").GetString());
        }

        await using var js = await JsPeer.StartAsync("--dial", circuit, "--ping", "2", "--exit-after-actions", "--ignore-stdin");
        var (code, events) = await js.WaitForExitAsync(T);
        Assert.True(code == 0, js.Process.Stdout + js.Process.Stderr);
        Assert.Equal(2, events.Count(e => e.GetProperty("event").GetString() == "ping"));
        Assert.True(service.Stats.CircuitsOpened >= 2, $"circuits opened: {service.Stats.CircuitsOpened}");
    }
}
