using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Interop.Tests.JsPeers;
using Libp2p.Kad;
using Libp2p.Multiformats;
using Libp2p.Transports.Tcp;

namespace Libp2p.Interop.Tests.Wasm;

/// <summary>
/// The DHT inside WebAssembly (`wasm/p2p`, the same `p2p dht` and `listen --dht` commands): a Wasm DHT server in a
/// network of a js-libp2p and a native node answers a js lookup, and a Wasm client finds what the native node provides.
/// </summary>
[Collection(WasmAppCollection.Name)]
public sealed class WasmDhtTests(WasmAppFixture app)
{
    private static readonly TimeSpan Hard = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan T = TimeSpan.FromSeconds(90);
    private const string Cid = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task AWasmDhtServerAnswersJsAndAWasmClientFindsNativeProviders(string abi)
    {
        await using var js1 = await JsPeer.StartAsync("--dht");
        var options = new HostOptions { IdentifyDelay = TimeSpan.Zero };
        options.Transports.Add(new TcpTransport());
        await using var native = new Libp2pHost(options);
        var nativeAddr = (await native.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T))[0].WithPeerId(native.PeerId);
        await using var dht = new KadDht(native, new KadOptions { EnablePeriodicRefresh = false });
        Assert.Equal(1, await dht.BootstrapAsync([Multiaddr.Parse(js1.Addrs[0])]).WaitAsync(T));

        await using var server = app.Start(abi, Hard, "listen", "--dht", "--bootstrap", nativeAddr.ToString(), "--json");
        var listening = WasmAppFixture.Parse(await server.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "listening"), T));
        var ready = WasmAppFixture.Parse(await server.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "dht:ready"), T));
        Assert.Equal("server", ready.GetProperty("mode").GetString());
        string wasmAddr = listening.GetProperty("addrs")[0].GetString()!;

        // js, knowing only the Wasm node, finds the native node through it.
        await using (var seeker = await JsPeer.StartAsync("--dht-client", "--bootstrap", wasmAddr, "--dht-find-peer", native.PeerId.ToString(), "--exit-after-actions"))
        {
            var found = await seeker.WaitForEventAsync("dht:peer", T);
            Assert.Equal(native.PeerId.ToString(), found.GetProperty("peer").GetString());
        }

        // A Wasm client finds what the native node provides.
        Assert.True(await dht.ProvideAsync(ContentKey.FromCid(Cid)).WaitAsync(T) >= 1);
        await using var client = app.Start(abi, Hard, "dht", "find-providers", Cid, "--count", "1", "--bootstrap", wasmAddr, "--json");
        Assert.True(await client.WaitForExitAsync(T) == 0, client.Stderr);
        var provider = client.Stdout.Split('\n').Where(l => WasmAppFixture.IsEvent(l, "provider")).Select(WasmAppFixture.Parse).Single();
        Assert.Equal(native.PeerId.ToString(), provider.GetProperty("peer").GetString());
    }
}
