using Microsoft.Extensions.Time.Testing;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Tests.Host;

public class PeerStoreTests
{
    private static readonly Multiaddr A = Multiaddr.Parse("/ip4/10.0.0.1/tcp/4001");
    private static readonly Multiaddr B = Multiaddr.Parse("/ip4/10.0.0.2/tcp/4001");

    [Fact]
    public void AddressesExpireAfterTheirTtl()
    {
        var time = new FakeTimeProvider();
        var store = new PeerStore(time);
        var peer = PrivateKey.Generate().ToPeerId();
        store.AddAddresses(peer, [A], TimeSpan.FromMinutes(1));
        store.AddAddresses(peer, [B], TimeSpan.FromMinutes(10));

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal([B], store.GetAddresses(peer));
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Empty(store.GetAddresses(peer));
    }

    [Fact]
    public void ALongerTtlExtendsAnAddressAndAShorterOneDoesNotShortenIt()
    {
        var time = new FakeTimeProvider();
        var store = new PeerStore(time);
        var peer = PrivateKey.Generate().ToPeerId();
        store.AddAddresses(peer, [A], TimeSpan.FromMinutes(10));
        store.AddAddresses(peer, [A], TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal([A], store.GetAddresses(peer));
    }

    [Fact]
    public void P2pSuffixIsStrippedAndAnAddressNamingAnotherPeerIsIgnored()
    {
        var store = new PeerStore(new FakeTimeProvider());
        var peer = PrivateKey.Generate().ToPeerId();
        var other = PrivateKey.Generate().ToPeerId();
        store.AddAddresses(peer, [A.WithPeerId(peer), B.WithPeerId(other)], PeerStore.Permanent);
        Assert.Equal([A], store.GetAddresses(peer));
    }

    [Fact]
    public void AddressesAndProtocolsPerPeerAreCapped()
    {
        var store = new PeerStore(new FakeTimeProvider(), maxAddressesPerPeer: 3, maxProtocolsPerPeer: 2);
        var peer = PrivateKey.Generate().ToPeerId();
        store.AddAddresses(peer, Enumerable.Range(1, 100).Select(i => Multiaddr.Parse($"/ip4/10.0.0.{i}/tcp/1")), PeerStore.Permanent);
        store.SetProtocols(peer, ["/a", "/b", "/c"]);
        Assert.Equal(3, store.GetAddresses(peer).Count);
        Assert.Equal(["/a", "/b"], store.GetProtocols(peer));
        Assert.True(store.SupportsProtocol(peer, "/b"));
        Assert.False(store.SupportsProtocol(peer, "/c"));
    }

    [Fact]
    public void WhenFullTheLeastRecentlyUpdatedUnconnectedPeerIsForgotten()
    {
        var store = new PeerStore(new FakeTimeProvider(), maxPeers: 2);
        var first = PrivateKey.Generate().ToPeerId();
        var second = PrivateKey.Generate().ToPeerId();
        var third = PrivateKey.Generate().ToPeerId();
        store.AddAddresses(first, [A], PeerStore.Permanent);
        store.AddAddresses(second, [B], PeerStore.Permanent);
        store.AddAddresses(first, [B], PeerStore.Permanent); // first is now the most recently updated

        store.AddAddresses(third, [A], PeerStore.Permanent);
        Assert.Equal(2, store.Peers.Count);
        Assert.Contains(first, store.Peers);
        Assert.DoesNotContain(second, store.Peers);
    }

    [Fact]
    public void AKeyOfAnotherPeerIsRefused()
    {
        var store = new PeerStore(new FakeTimeProvider());
        var key = PrivateKey.Generate(KeyType.Secp256k1).PublicKey;
        var other = PrivateKey.Generate().ToPeerId();
        Assert.Throws<ArgumentException>(() => store.SetPublicKey(other, key));
        store.SetPublicKey(key.ToPeerId(), key);
        Assert.Equal(key, store.GetPublicKey(key.ToPeerId()));
    }

    [Fact]
    public void AnEd25519KeyIsReadFromItsPeerIdWithoutBeingStored()
    {
        var key = PrivateKey.Generate().PublicKey;
        Assert.Equal(key, new PeerStore(new FakeTimeProvider()).GetPublicKey(key.ToPeerId()));
    }
}
