using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Interop.Tests.JsPeers;
using Libp2p.Kad;
using Libp2p.Kad.Records;
using Libp2p.Multiformats;
using Libp2p.Transports.Tcp;

namespace Libp2p.Interop.Tests.Kad;

/// <summary>
/// The DHT across mixed C# / js-libp2p (@libp2p/kad-dht 16.4.5) networks, both ways: finding peers, /pk/ records
/// (RSA keys, so no node can answer from the peer id alone), providers. Every network: a js server first, C# servers
/// joined through it, and js nodes joined through a C# node.
/// </summary>
public class KadJsInteropTests
{
    private static readonly TimeSpan T = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task CSharpAndJsFindEachOtherThroughTheOtherSide()
    {
        await using var js1 = await JsPeer.StartAsync("--dht");
        await using var c1 = await CSharpNode.StartAsync(js1);
        await using var c2 = await CSharpNode.StartAsync(js1);
        // A js node that knows only c1 looks for c2.
        await using var js2 = await JsPeer.StartAsync("--dht", "--bootstrap", c1.Address.ToString(), "--dht-find-peer", c2.Host.PeerId.ToString());
        var found = await js2.WaitForEventAsync("dht:peer", T);
        Assert.Equal(c2.Host.PeerId.ToString(), found.GetProperty("peer").GetString());
        Assert.Contains(found.GetProperty("addrs").EnumerateArray(), a => a.GetString()!.StartsWith(c2.Address.WithoutPeerId().ToString(), StringComparison.Ordinal));

        // c1 looks for js2 without a connection to it: js1 or c2 must name it.
        var js2Id = PeerId.Parse(js2.PeerId);
        if (c1.Host.FindConnection(js2Id) is { } direct) await direct.CloseAsync().AsTask().WaitAsync(T);
        c1.Host.PeerStore.Remove(js2Id);
        var result = await c1.Dht.FindPeerAsync(js2Id).WaitAsync(T);
        Assert.NotNull(result);
        Assert.Contains(Multiaddr.Parse(js2.TcpAddr), result!.Addresses);
    }

    [Fact]
    public async Task PublicKeyRecordsPutOnOneSideAreReadOnTheOther()
    {
        await using var js1 = await JsPeer.StartAsync("--dht");
        await using var c1 = await CSharpNode.StartAsync(js1);
        await using var c2 = await CSharpNode.StartAsync(js1);

        // C# puts, js reads.
        var rsa = PrivateKey.Generate(KeyType.Rsa);
        var value = rsa.PublicKey.ToProtobuf();
        Assert.True(await c1.Dht.PutValueAsync(RecordKey.PublicKey(rsa.ToPeerId()), value).WaitAsync(T) >= 1);
        await using (var reader = await JsPeer.StartAsync("--dht-client", "--bootstrap", c2.Address.ToString(),
            "--dht-get-pk", rsa.ToPeerId().ToString(), "--exit-after-actions"))
        {
            var got = await reader.WaitForEventAsync("dht:value", T);
            Assert.Equal(Convert.ToHexStringLower(value), got.GetProperty("value").GetString());
        }

        // js puts, C# reads.
        await using var writer = await JsPeer.StartAsync("--dht", "--bootstrap", c1.Address.ToString(), "--dht-put-pk-rsa", "--exit-after-actions");
        var put = await writer.WaitForEventAsync("dht:put", T);
        var owner = PeerId.Parse(put.GetProperty("peer").GetString()!);
        var read = await c2.Dht.GetValueAsync(RecordKey.PublicKey(owner)).WaitAsync(T);
        Assert.Equal(put.GetProperty("value").GetString(), read is null ? null : Convert.ToHexStringLower(read));
    }

    [Fact]
    public async Task ProvidersAnnouncedOnOneSideAreFoundOnTheOther()
    {
        const string fromCSharp = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
        const string fromJs = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";
        await using var js1 = await JsPeer.StartAsync("--dht");
        await using var c1 = await CSharpNode.StartAsync(js1);
        await using var c2 = await CSharpNode.StartAsync(js1);

        Assert.True(await c1.Dht.ProvideAsync(ContentKey.FromCid(fromCSharp)).WaitAsync(T) >= 1);
        await using (var seeker = await JsPeer.StartAsync("--dht-client", "--bootstrap", c2.Address.ToString(),
            "--dht-find-providers", fromCSharp, "--exit-after-actions"))
        {
            var provider = await seeker.WaitForEventAsync("dht:provider", T);
            Assert.Equal(c1.Host.PeerId.ToString(), provider.GetProperty("peer").GetString());
        }

        await using var announcer = await JsPeer.StartAsync("--dht", "--bootstrap", c1.Address.ToString(), "--dht-provide", fromJs);
        await announcer.WaitForEventAsync("dht:provide", T);
        var found = new List<Libp2p.Kad.Network.KadPeerInfo>();
        using var cts = new CancellationTokenSource(T);
        await foreach (var p in c2.Dht.FindProvidersAsync(ContentKey.FromCid(fromJs), count: 1, cts.Token))
            found.Add(p);
        var js = Assert.Single(found);
        Assert.Equal(announcer.PeerId, js.Id.ToString());
        Assert.Contains(Multiaddr.Parse(announcer.TcpAddr), js.Addresses);
    }

    /// <summary>A C# DHT server on loopback, joined through a js node.</summary>
    private sealed class CSharpNode : IAsyncDisposable
    {
        private CSharpNode(Libp2pHost host, KadDht dht, Multiaddr address) { Host = host; Dht = dht; Address = address; }

        public Libp2pHost Host { get; }
        public KadDht Dht { get; }
        public Multiaddr Address { get; }

        public static async Task<CSharpNode> StartAsync(JsPeer bootstrap)
        {
            var options = new HostOptions { IdentifyDelay = TimeSpan.Zero };
            options.Transports.Add(new TcpTransport(new TcpTransportOptions()));
            var host = new Libp2pHost(options);
            var addrs = await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T);
            var dht = new KadDht(host, new KadOptions { EnablePeriodicRefresh = false });
            int reached = await dht.BootstrapAsync([Multiaddr.Parse(bootstrap.Addrs[0])]).WaitAsync(T);
            Assert.Equal(1, reached);
            return new CSharpNode(host, dht, addrs[0].WithPeerId(host.PeerId));
        }

        public async ValueTask DisposeAsync()
        {
            await Dht.DisposeAsync();
            await Host.DisposeAsync().AsTask().WaitAsync(T);
        }
    }
}
