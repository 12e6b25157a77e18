using System.Text;
using Libp2p.PubSub;
using Libp2p.PubSub.Scoring;

namespace Libp2p.Tests.PubSub;

/// <summary>Pubsub nodes on real hosts: delivery across a mesh, floodsub with gossipsub, validators, signing policy.</summary>
public class PubSubNodeTests
{
    private static readonly TimeSpan T = PubSubNode.Timeout;
    private const string Topic = "news";

    private static async Task<PubSubMessage> NextAsync(Subscription s)
    {
        using var cts = new CancellationTokenSource(T);
        return await s.Messages.ReadAsync(cts.Token);
    }

    [Fact]
    public async Task GossipsubCarriesAMessageAlongAChainToEverySubscriberOnce()
    {
        await using var a = await PubSubNode.StartAsync();
        await using var b = await PubSubNode.StartAsync();
        await using var c = await PubSubNode.StartAsync();
        await a.ConnectAsync(b);
        await b.ConnectAsync(c);
        var sa = await a.PubSub.SubscribeAsync(Topic);
        var sb = await b.PubSub.SubscribeAsync(Topic);
        var sc = await c.PubSub.SubscribeAsync(Topic);
        await PubSubNode.EventuallyAsync(() => b.PubSub.GetMeshPeers(Topic).Contains(c.Host.PeerId) && b.PubSub.GetMeshPeers(Topic).Contains(a.Host.PeerId)
            && a.PubSub.GetMeshPeers(Topic).Contains(b.Host.PeerId), "B has A and C in its mesh, and A has B (A publishes to its own view)");
        Assert.Equal(PubSubProtocols.MeshSubV12, a.PubSub.GetProtocol(b.Host.PeerId));

        var sent = await a.PubSub.PublishAsync(Topic, Encoding.UTF8.GetBytes("hello"));

        var atC = await NextAsync(sc);
        Assert.Equal("hello", Encoding.UTF8.GetString(atC.Data.Span));
        Assert.Equal(a.Host.PeerId, atC.From);
        Assert.Equal(b.Host.PeerId, atC.ReceivedFrom);
        Assert.Equal(sent.Id, atC.Id);
        Assert.Equal(sent.Id, (await NextAsync(sb)).Id);
        Assert.Equal(sent.Id, (await NextAsync(sa)).Id); // our own, delivered locally as go does

        // A second message; nothing else arrived in between (no duplicates).
        var second = await a.PubSub.PublishAsync(Topic, Encoding.UTF8.GetBytes("again"));
        Assert.Equal(second.Id, (await NextAsync(sc)).Id);
        Assert.False(sc.Messages.TryRead(out _));
    }

    [Fact]
    public async Task AFloodsubNodeAndAGossipsubNodeExchangeMessagesBothWays()
    {
        await using var flood = await PubSubNode.StartAsync(o => o.Router = PubSubRouterKind.FloodSub);
        await using var gossip = await PubSubNode.StartAsync();
        await flood.ConnectAsync(gossip);
        var sf = await flood.PubSub.SubscribeAsync(Topic);
        var sg = await gossip.PubSub.SubscribeAsync(Topic);
        await PubSubNode.EventuallyAsync(() => flood.PubSub.GetPeers(Topic).Count == 1 && gossip.PubSub.GetPeers(Topic).Count == 1, "both see each other in the topic");
        Assert.Equal(PubSubProtocols.FloodSub, gossip.PubSub.GetProtocol(flood.Host.PeerId));
        Assert.Empty(gossip.PubSub.GetMeshPeers(Topic));

        await flood.PubSub.PublishAsync(Topic, "from flood"u8.ToArray());
        Assert.Equal("from flood", Encoding.UTF8.GetString((await NextAsync(sg)).Data.Span));
        await gossip.PubSub.PublishAsync(Topic, "from gossip"u8.ToArray());
        var got = await NextAsync(sf);
        while (got.ReceivedFrom == flood.Host.PeerId) got = await NextAsync(sf); // skip our own
        Assert.Equal("from gossip", Encoding.UTF8.GetString(got.Data.Span));
    }

    [Fact]
    public async Task ARejectingValidatorStopsTheMessageAndPenalizesItsSender()
    {
        await using var a = await PubSubNode.StartAsync();
        await using var b = await PubSubNode.StartAsync(o => o.Score!.Topics[Topic] = new TopicScoreParams { TimeInMeshWeight = 0, FirstMessageDeliveriesWeight = 0 });
        await using var c = await PubSubNode.StartAsync();
        await a.ConnectAsync(b);
        await b.ConnectAsync(c);
        b.PubSub.AddValidator(Topic, (_, m, _) => ValueTask.FromResult(m.Data.Span.SequenceEqual("bad"u8) ? ValidationResult.Reject : ValidationResult.Accept));
        // An asynchronous validator too: it must be awaited before delivery.
        b.PubSub.AddValidator(Topic, async (_, m, ct) => { await Task.Yield(); return m.Data.Span.SequenceEqual("ignore"u8) ? ValidationResult.Ignore : ValidationResult.Accept; });
        await a.PubSub.SubscribeAsync(Topic);
        var sb = await b.PubSub.SubscribeAsync(Topic);
        var sc = await c.PubSub.SubscribeAsync(Topic);
        // A publishes to its own view of the topic: B must be in A's mesh too (B's GRAFT reached A), not only A in B's.
        await PubSubNode.EventuallyAsync(() => b.PubSub.GetMeshPeers(Topic).Count == 2 && a.PubSub.GetMeshPeers(Topic).Contains(b.Host.PeerId),
            "B's mesh has A and C, and A's has B");

        await a.PubSub.PublishAsync(Topic, "bad"u8.ToArray());
        await a.PubSub.PublishAsync(Topic, "ignore"u8.ToArray());
        await a.PubSub.PublishAsync(Topic, "good"u8.ToArray());

        Assert.Equal("good", Encoding.UTF8.GetString((await NextAsync(sb)).Data.Span));
        Assert.Equal("good", Encoding.UTF8.GetString((await NextAsync(sc)).Data.Span));
        Assert.Equal(1, b.PubSub.Stats.Rejected);
        Assert.Equal(1, b.PubSub.Stats.Ignored);
        Assert.True(b.PubSub.GetScore(a.Host.PeerId) < 0, $"score {b.PubSub.GetScore(a.Host.PeerId)}");
    }

    [Fact]
    public async Task OurOwnValidatorRefusesToPublish()
    {
        await using var a = await PubSubNode.StartAsync();
        a.PubSub.AddValidator(Topic, (_, _, _) => ValueTask.FromResult(ValidationResult.Reject));
        await Assert.ThrowsAsync<PubSubPublishException>(() => a.PubSub.PublishAsync(Topic, "x"u8.ToArray()).AsTask());
    }

    [Fact]
    public async Task StrictNoSignNodesExchangeUnsignedMessagesAndDropSignedOnes()
    {
        await using var signer = await PubSubNode.StartAsync();
        await using var a = await PubSubNode.StartAsync(o => o.SignaturePolicy = SignaturePolicy.StrictNoSign);
        await using var b = await PubSubNode.StartAsync(o => o.SignaturePolicy = SignaturePolicy.StrictNoSign);
        await a.ConnectAsync(b);
        await signer.ConnectAsync(b);
        var sb = await b.PubSub.SubscribeAsync(Topic);
        await a.PubSub.SubscribeAsync(Topic);
        await signer.PubSub.SubscribeAsync(Topic);
        await PubSubNode.EventuallyAsync(() => a.PubSub.GetPeers(Topic).Count == 1 && signer.PubSub.GetPeers(Topic).Count == 1, "a and the signer see b");

        await signer.PubSub.PublishAsync(Topic, "signed"u8.ToArray());
        await a.PubSub.PublishAsync(Topic, "anonymous"u8.ToArray());

        var m = await NextAsync(sb);
        Assert.Equal("anonymous", Encoding.UTF8.GetString(m.Data.Span));
        Assert.Null(m.From);
        Assert.Null(m.Seqno);
        await PubSubNode.EventuallyAsync(() => b.PubSub.Stats.Rejected == 1, "b rejected the signed message");
    }

    [Fact]
    public async Task APeerLeavingATopicIsReportedAndLeavesTheMesh()
    {
        await using var a = await PubSubNode.StartAsync();
        await using var b = await PubSubNode.StartAsync();
        var changes = new System.Collections.Concurrent.ConcurrentQueue<SubscriptionChange>();
        a.PubSub.SubscriptionChanged += changes.Enqueue;
        await a.ConnectAsync(b);
        await a.PubSub.SubscribeAsync(Topic);
        var sb = await b.PubSub.SubscribeAsync(Topic);
        await PubSubNode.EventuallyAsync(() => a.PubSub.GetMeshPeers(Topic).Contains(b.Host.PeerId), "a grafted b");

        await sb.DisposeAsync();
        await PubSubNode.EventuallyAsync(() => !a.PubSub.GetMeshPeers(Topic).Contains(b.Host.PeerId) && a.PubSub.GetPeers(Topic).Count == 0, "a saw b leave");
        Assert.Equal([true, false], changes.Where(c => c.Peer == b.Host.PeerId && c.Topic == Topic).Select(c => c.Subscribed));
    }
}
