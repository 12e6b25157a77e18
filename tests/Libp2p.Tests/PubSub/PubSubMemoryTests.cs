using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.PubSub;
using Libp2p.PubSub.Caches;
using Libp2p.PubSub.Pb;
using Libp2p.PubSub.Wire;
using Libp2p.Tests.Host;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Libp2p.Tests.PubSub;

/// <summary>
/// What pubsub holds for peers is charged to the host's resource manager: seen ids, cached messages and messages
/// waiting in subscriptions to its service scope, each peer's outbound queue to the peer's connection.
/// </summary>
public class PubSubMemoryTests
{
    private static readonly TimeSpan T = TimeSpan.FromSeconds(10);
    private static readonly PeerId Sender = PrivateKey.Generate().ToPeerId();

    private static PubSubMessage Msg(int size, byte n)
    {
        var wire = new Message { Topic = "t", Data = ByteString.CopyFrom(new byte[size]), Seqno = ByteString.CopyFrom(new[] { n }) }.ToByteArray();
        return new PubSubMessage("t", new byte[size], null, [n], null, null, Sender, wire) { Id = new MessageId([n]) };
    }

    private static ResourceManager Manager(ResourceLimits limits) => new(limits, new FakeTimeProvider(), NullLogger.Instance, _ => { });

    private static IResourceScope Service(long limit)
    {
        var limits = new ResourceLimits();
        limits.Services[Libp2p.PubSub.PubSub.ServiceName] = limit;
        return Manager(limits).Service(Libp2p.PubSub.PubSub.ServiceName);
    }

    [Fact]
    public void SeenIdsAreChargedAndWhenTheMemoryIsFullTheOldestAreForgottenFirst()
    {
        long one = SeenCache.Cost(new MessageId([0]));
        var memory = Service(3 * one);
        var time = new FakeTimeProvider();
        var seen = new SeenCache(time, TimeSpan.FromMinutes(2), capacity: 1000, memory);
        for (byte i = 0; i < 3; i++) Assert.Equal(SeenResult.Added, seen.TryAdd(new MessageId([i])));

        Assert.Equal(SeenResult.Added, seen.TryAdd(new MessageId([3])));   // the oldest is forgotten to make room
        Assert.False(seen.Contains(new MessageId([0])));
        Assert.Equal(SeenResult.Duplicate, seen.TryAdd(new MessageId([3])));
        Assert.Equal(3 * one, memory.MemoryUsed);

        time.Advance(TimeSpan.FromMinutes(3));
        seen.Sweep();
        Assert.Equal(0, memory.MemoryUsed);

        var none = new SeenCache(time, TimeSpan.FromMinutes(2), capacity: 1000, Service(one - 1));
        Assert.Equal(SeenResult.NoMemory, none.TryAdd(new MessageId([9]))); // nothing to forget: the message is dropped
        Assert.Equal(0, none.Count);
    }

    [Fact]
    public void CachedMessagesAreChargedUntilShiftedOutAndOneThatDoesNotFitIsNotCached()
    {
        long one = Msg(1000, 0).MemoryCost;
        var memory = Service(2 * one);
        var cache = new MessageCache(historyGossip: 1, historyLength: 2, memory);
        Assert.True(cache.Put(Msg(1000, 1)));
        Assert.True(cache.Put(Msg(1000, 2)));
        Assert.False(cache.Put(Msg(1000, 3)));
        Assert.False(cache.TryGet(new MessageId([3]), out _));
        Assert.True(cache.Put(Msg(1000, 1)));                          // cached already: nothing more
        Assert.Equal(2 * one, memory.MemoryUsed);

        cache.Shift();
        cache.Shift();
        Assert.Equal(0, memory.MemoryUsed);
        Assert.True(cache.Put(Msg(1000, 3)));
        cache.Clear();
        Assert.Equal(0, memory.MemoryUsed);
    }

    [Fact]
    public async Task AQueueForAPeerIsChargedToItsConnectionUntilWrittenOrClosed()
    {
        var m = Manager(new ResourceLimits { MemoryPerConnection = 7000 });
        var connection = m.TryOpenInbound(Multiaddr.Parse("/ip4/203.0.113.7/tcp/1"))!;
        var queue = new PeerOutboundQueue(maxDataBytes: 1 << 20, maxControlFrames: 16, maxFrameSize: 1 << 20, memory: connection);
        var message = Msg(3000, 1);
        Assert.True(queue.TrySendMessage(message));
        Assert.True(queue.TrySendMessage(message));
        Assert.False(queue.TrySendMessage(message));                      // past the connection's memory: refused as if slow
        Assert.Equal(1, queue.Dropped);
        Assert.Equal(queue.ReservedMemory, connection.MemoryUsed);
        Assert.Equal(queue.ReservedMemory, m.Usage.Memory);              // the node pays too

        var (a, b) = InMemoryDuplex.CreatePair();
        using var cts = new CancellationTokenSource(T);
        var run = queue.RunAsync(a, cts.Token);
        using var reader = new FrameReader(b, 1 << 20);
        for (int i = 0; i < 2; i++) Assert.NotNull(await reader.ReadFrameAsync(default).AsTask().WaitAsync(T));
        Assert.Equal(0, connection.MemoryUsed);                          // written: returned

        Assert.True(queue.TrySendMessage(message));
        queue.Close();                                                    // dropped unsent: returned too
        Assert.Equal(0, connection.MemoryUsed);
        Assert.Equal(0, m.Usage.Memory);
        await run.WaitAsync(T);
    }

    [Fact]
    public async Task MessagesWaitingInASubscriptionAreChargedUntilReadAndDroppedWhenTheyDoNotFit()
    {
        long one = Msg(1000, 0).MemoryCost;
        await using var host = Hosts.Create(o => o.Limits.Services[Libp2p.PubSub.PubSub.ServiceName] = 2 * one);
        await using var pubsub = new Libp2p.PubSub.PubSub(host);
        var subscription = await pubsub.SubscribeAsync("t");
        subscription.Deliver(Msg(1000, 1));
        subscription.Deliver(Msg(1000, 2));
        subscription.Deliver(Msg(1000, 3));                           // the application has not read: no room
        Assert.Equal(1, subscription.Dropped);
        Assert.Equal(2 * one, pubsub.Memory.MemoryUsed);

        Assert.True(subscription.Messages.TryRead(out var first));
        Assert.Equal(new MessageId([1]), first.Id);
        Assert.Equal(one, pubsub.Memory.MemoryUsed);                      // read: returned
        subscription.Deliver(Msg(1000, 4));
        Assert.Equal(2 * one, pubsub.Memory.MemoryUsed);

        await subscription.DisposeAsync();
        Assert.Equal(0, pubsub.Memory.MemoryUsed);                        // the rest is the application's now
        Assert.True(subscription.Messages.TryRead(out _));                // still readable, not returned twice
        Assert.Equal(0, pubsub.Memory.MemoryUsed);
    }

    [Fact]
    public async Task APublishTheNodeCannotHoldFailsAndIsCounted()
    {
        await using var host = Hosts.Create(o => o.Limits.Services[Libp2p.PubSub.PubSub.ServiceName] = 4096);
        await using var pubsub = new Libp2p.PubSub.PubSub(host);

        var e = await Assert.ThrowsAsync<PubSubPublishException>(() => pubsub.PublishAsync("t", new byte[8000]).AsTask().WaitAsync(T));

        Assert.Contains("memory limit", e.Message);
        Assert.Equal(1, pubsub.Stats.DroppedForMemory);
        Assert.True(host.Resources.Refusals > 0);
        await pubsub.PublishAsync("t", new byte[10]).AsTask().WaitAsync(T); // a message that fits goes out
        Assert.Equal(1, pubsub.Stats.Published);
    }
}
