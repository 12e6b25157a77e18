using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.Kad.Providers;
using Libp2p.Kad.Records;
using Microsoft.Extensions.Logging.Abstractions;
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

    private static IResourceScope DhtMemory(long limit)
    {
        var limits = new ResourceLimits();
        limits.Services["libp2p.dht"] = limit;
        return new ResourceManager(limits, new FakeTimeProvider(), NullLogger.Instance, _ => { }).Service("libp2p.dht");
    }

    [Fact]
    public void RecordsAreChargedToTheDhtsMemoryAndOneThatDoesNotFitIsNotStored()
    {
        var time = new FakeTimeProvider();
        long full = RecordStore.Cost(1, 1000);
        var memory = DhtMemory(2 * full);
        var store = new RecordStore(new RecordStoreLimits { Ttl = TimeSpan.FromHours(1) }, time, memory);
        var a = PrivateKey.Generate().ToPeerId();
        Assert.Null(store.Put([1], new byte[1000], a));
        Assert.Null(store.Put([2], new byte[1000], null));
        Assert.Equal(2 * full, memory.MemoryUsed);

        Assert.Contains("memory", store.Put([3], new byte[1000], a));
        Assert.Null(store.Get([3]));                         // not stored
        Assert.Equal(2 * full, memory.MemoryUsed);

        Assert.Null(store.Put([1], new byte[10], a));        // a replacement pays its difference: here it returns some
        Assert.Equal(full + RecordStore.Cost(1, 10), memory.MemoryUsed);
        Assert.Null(store.Put([3], new byte[800], a));       // which makes room
        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(3, store.Sweep());
        Assert.Equal(0, memory.MemoryUsed);                  // every record's bytes came back, once
        Assert.Equal(0, store.ReservedMemory);
    }

    [Fact]
    public void ProviderRecordsAreChargedToTheDhtsMemoryAndOneThatDoesNotFitIsNotAdded()
    {
        var time = new FakeTimeProvider();
        long one = ProviderStore.Cost(34);
        var memory = DhtMemory(2 * one);
        var store = new ProviderStore(new ProviderStoreLimits { Ttl = TimeSpan.FromHours(1) }, time, memory);
        var a = PrivateKey.Generate().ToPeerId();
        var b = PrivateKey.Generate().ToPeerId();
        var key = new byte[34];
        Assert.Null(store.Add(key, a));
        Assert.Null(store.Add(key, a));                      // a renewal costs nothing
        Assert.Null(store.Add(key, b));
        byte[] other = [1, .. new byte[33]];
        Assert.Contains("memory", store.Add(other, a));
        Assert.Equal(2, store.Count);
        Assert.Equal(2 * one, memory.MemoryUsed);

        store.Clear();                                       // the DHT is disposed
        Assert.Equal(0, memory.MemoryUsed);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void AKeyWhoseProvidersAllExpiredTakesANewProviderThatCanBeFoundAndSwept()
    {
        var time = new FakeTimeProvider();
        var memory = DhtMemory(1 << 20);
        var store = new ProviderStore(new ProviderStoreLimits { MaxProvidersPerKey = 1, Ttl = TimeSpan.FromHours(1) }, time, memory);
        var a = PrivateKey.Generate().ToPeerId();
        var b = PrivateKey.Generate().ToPeerId();
        Assert.Null(store.Add([7], a));
        time.Advance(TimeSpan.FromHours(2));
        Assert.Null(store.Add([7], b));                      // a expired: its slot goes to b
        Assert.Equal([b], store.Get([7], 10));
        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, store.Sweep());
        Assert.Equal(0, memory.MemoryUsed);
    }
}
