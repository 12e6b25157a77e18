using Libp2p.Identity;
using Libp2p.Kad;
using Libp2p.Kad.Records;

namespace Libp2p.Tests.Kad;

/// <summary>The DHT's operations across a small network of C# nodes on loopback TCP.</summary>
public class KadDhtTests
{
    private static readonly TimeSpan T = KadNetwork.Timeout;

    [Fact]
    public async Task ANodeFindsAPeerItIsNotConnectedTo()
    {
        await using var net = await KadNetwork.StartAsync(servers: 6);
        var (seeker, target) = (net.Nodes[5], net.Nodes[4]);
        if (seeker.Host.FindConnection(target.Host.PeerId) is { } direct)
            await direct.CloseAsync().AsTask().WaitAsync(T);
        var found = await seeker.Dht.FindPeerAsync(target.Host.PeerId).WaitAsync(T);
        Assert.NotNull(found);
        Assert.Contains(target.Address.WithoutPeerId(), found!.Addresses);
    }

    [Fact]
    public async Task APublicKeyRecordPutByOneNodeIsReadByAnother()
    {
        await using var net = await KadNetwork.StartAsync(servers: 6);
        var owner = PrivateKey.Generate();
        var key = RecordKey.PublicKey(owner.ToPeerId());
        int stored = await net.Nodes[1].Dht.PutValueAsync(key, owner.PublicKey.ToProtobuf()).WaitAsync(T);
        Assert.True(stored >= 3, $"stored on {stored} peers");

        var value = await net.Nodes[5].Dht.GetValueAsync(key).WaitAsync(T);
        Assert.Equal(owner.PublicKey.ToProtobuf(), value);
    }

    [Fact]
    public async Task AnInvalidRecordIsRefusedBeforeAnythingIsSent()
    {
        await using var net = await KadNetwork.StartAsync(servers: 2);
        var key = RecordKey.PublicKey(PrivateKey.Generate().ToPeerId());
        await Assert.ThrowsAsync<RecordValidationException>(() =>
            net.Nodes[1].Dht.PutValueAsync(key, PrivateKey.Generate().PublicKey.ToProtobuf()).WaitAsync(T));
        Assert.Equal(0, net.Nodes[0].Dht.StoredRecordCount);
    }

    [Fact]
    public async Task ProvidersAreFoundByANodeThatDidNotProvide()
    {
        await using var net = await KadNetwork.StartAsync(servers: 6);
        var key = ContentKey.FromCid("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy");
        int told = await net.Nodes[2].Dht.ProvideAsync(key).WaitAsync(T);
        Assert.True(told >= 3, $"announced to {told} peers");

        var providers = new List<Libp2p.Kad.Network.KadPeerInfo>();
        await foreach (var p in net.Nodes[4].Dht.FindProvidersAsync(key, count: 1).WithCancellation(new CancellationTokenSource(T).Token))
            providers.Add(p);
        var provider = Assert.Single(providers);
        Assert.Equal(net.Nodes[2].Host.PeerId, provider.Id);
        Assert.Contains(net.Nodes[2].Address.WithoutPeerId(), provider.Addresses);
    }

    [Fact]
    public async Task AClientQueriesButIsInNobodysTable()
    {
        await using var net = await KadNetwork.StartAsync(servers: 4, clients: 1);
        var client = net.Nodes[4];
        Assert.DoesNotContain(client.Host.Protocols, p => p == KadOptions.DefaultProtocolId);
        Assert.True(client.Dht.RoutingTable.Count >= 3);
        foreach (var server in net.Nodes.Take(4))
            Assert.False(server.Dht.RoutingTable.Contains(client.Host.PeerId));
        var found = await client.Dht.GetClosestPeersAsync(net.Nodes[3].Host.PeerId.ToBytes()).WaitAsync(T);
        Assert.Equal(net.Nodes[3].Host.PeerId, found[0]);
    }

    [Fact]
    public async Task NodesOnAnotherProtocolIdDoNotMix()
    {
        await using var net = await KadNetwork.StartAsync(servers: 3);
        var stranger = await net.AddNodeAsync(KadMode.Server, o => o.ProtocolId = "/private/kad/1.0.0");
        await stranger.Dht.BootstrapAsync([net.Nodes[0].Address]).WaitAsync(T);
        Assert.Equal(0, stranger.Dht.RoutingTable.Count);
        Assert.False(net.Nodes[0].Dht.RoutingTable.Contains(stranger.Host.PeerId));
    }
}
