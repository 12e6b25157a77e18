using Libp2p.Identity;
using Libp2p.Kad.Providers;
using Libp2p.Kad.Records;
using Microsoft.Extensions.Time.Testing;

namespace Libp2p.Tests.Kad;

public class KadStoreTests
{
    [Fact]
    public void ProviderRecordsExpireAndAreBoundedPerPeerAndPerKey()
    {
        var time = new FakeTimeProvider();
        var limits = new ProviderStoreLimits { MaxRecordsPerPeer = 2, MaxProvidersPerKey = 2, Ttl = TimeSpan.FromHours(1) };
        var store = new ProviderStore(limits, time);
        var a = PrivateKey.Generate().ToPeerId();
        var b = PrivateKey.Generate().ToPeerId();
        var c = PrivateKey.Generate().ToPeerId();
        Assert.Null(store.Add([1], a));
        Assert.Null(store.Add([2], a));
        Assert.NotNull(store.Add([3], a)); // a's third key
        Assert.Null(store.Add([1], b));
        Assert.NotNull(store.Add([1], c)); // key 1 has two providers
        Assert.Equal(2, store.Get([1], 10).Count);

        time.Advance(TimeSpan.FromMinutes(61));
        Assert.Empty(store.Get([1], 10));
        Assert.Equal(3, store.Sweep());
        Assert.Null(store.Add([3], a)); // a's slots came back
    }

    [Fact]
    public void RecordsAreChargedToThePeerThatPutThemAndExpire()
    {
        var time = new FakeTimeProvider();
        var store = new RecordStore(new RecordStoreLimits { MaxRecordsPerPeer = 1, Ttl = TimeSpan.FromHours(1) }, time);
        var a = PrivateKey.Generate().ToPeerId();
        Assert.Null(store.Put([1], [9], a));
        Assert.NotNull(store.Put([2], [9], a));
        Assert.Null(store.Put([1], [8], a)); // replacing its own record costs nothing more
        Assert.Null(store.Put([2], [9], null)); // our own records count only against the total
        time.Advance(TimeSpan.FromHours(2));
        Assert.Null(store.Get([1]));
        Assert.Null(store.Put([3], [9], a));
    }
}
