using Libp2p.PubSub;
using Libp2p.PubSub.Scoring;

namespace Libp2p.Tests.PubSub;

/// <summary>The gossipsub router's state machine on a fake clock: mesh upkeep, backoff, gossip, IDONTWANT, fanout, slow peers.</summary>
public class GossipSubRouterTests
{
    private const string Topic = "t";

    [Fact]
    public void JoiningGraftsDPeersOfTheTopicAndTellsThem()
    {
        var h = new RouterHarness();
        var peers = h.AddPeers(10, Topic);
        h.AddPeer(topics: ["other"]);

        h.Subscribe(Topic);

        var mesh = h.Router.MeshPeers(Topic);
        Assert.Equal(h.Options.GossipSub.D, mesh.Count);
        Assert.All(mesh, p => Assert.Contains(p, peers));
        foreach (var p in peers)
            Assert.Equal(mesh.Contains(p) ? 1 : 0, h.Out(p).Grafts.Count(g => g.TopicID == Topic));
    }

    [Fact]
    public void FloodsubPeersAreNeverGraftedButGetEveryMessage()
    {
        var h = new RouterHarness();
        var flood = h.AddPeer(PubSubProtocols.FloodSub, topics: [Topic]);
        var gossip = h.AddPeer(topics: [Topic]);
        h.Subscribe(Topic);
        Assert.DoesNotContain(flood, h.Router.MeshPeers(Topic));
        Assert.Contains(gossip, h.Router.MeshPeers(Topic));

        var other = h.AddPeer(topics: [Topic]);
        var m = h.Message(Topic, receivedFrom: other);
        h.Router.OnDelivered(m);
        Assert.Single(h.Out(flood).Messages);
        Assert.Single(h.Out(gossip).Messages);
    }

    [Fact]
    public void HeartbeatGraftsUpToDWhenTheMeshIsBelowDLow()
    {
        var h = new RouterHarness();
        h.Subscribe(Topic); // nobody yet
        Assert.Empty(h.Router.MeshPeers(Topic));

        var peers = h.AddPeers(8, Topic);
        h.Heartbeats();

        Assert.Equal(h.Options.GossipSub.D, h.Router.MeshPeers(Topic).Count);
        Assert.Equal(h.Options.GossipSub.D, peers.Count(p => h.Out(p).Grafts.Any()));
    }

    [Fact]
    public void HeartbeatPrunesDownToDKeepingDOutOutboundPeers()
    {
        var h = new RouterHarness(o => o.Score = null);
        h.Subscribe(Topic);
        var inbound = h.AddPeers(14, Topic, outbound: false);
        var outbound = h.AddPeers(2, Topic, outbound: true);
        foreach (var p in inbound.Concat(outbound)) h.Control(p, RouterHarness.Graft(Topic));
        // D_hi = 12: two inbound grafts beyond it were refused, the two outbound ones accepted (v1.1 lets outbound peers in when full).
        Assert.Equal(14, h.Router.MeshPeers(Topic).Count);
        Assert.All(outbound, p => Assert.Contains(p, h.Router.MeshPeers(Topic)));

        h.Heartbeats();

        var mesh = h.Router.MeshPeers(Topic);
        Assert.Equal(h.Options.GossipSub.D, mesh.Count);
        Assert.True(mesh.Count(p => h.Peer(p).IsOutbound) >= h.Options.GossipSub.DOut);
        var pruned = inbound.Concat(outbound).Where(p => !mesh.Contains(p)).ToList();
        Assert.Equal(10, pruned.Count);
        Assert.All(pruned, p => Assert.Single(h.Out(p).Prunes));
        Assert.All(pruned, p => Assert.True(h.Router.InBackoff(p, Topic)));
    }

    [Fact]
    public void AGraftWhileFullIsPrunedUnlessTheConnectionIsOutbound()
    {
        var h = new RouterHarness(o => o.Score = null);
        h.Subscribe(Topic);
        foreach (var p in h.AddPeers(12, Topic)) h.Control(p, RouterHarness.Graft(Topic));
        var late = h.AddPeer(topics: [Topic]);
        var lateOutbound = h.AddPeer(outbound: true, topics: [Topic]);

        h.Control(late, RouterHarness.Graft(Topic));
        h.Control(lateOutbound, RouterHarness.Graft(Topic));

        Assert.DoesNotContain(late, h.Router.MeshPeers(Topic));
        Assert.Single(h.Out(late).Prunes);
        Assert.Contains(lateOutbound, h.Router.MeshPeers(Topic));
    }

    [Fact]
    public void APrunedPeerIsNotRegraftedUntilItsBackoffHasPassed()
    {
        var h = new RouterHarness();
        h.Subscribe(Topic);
        var p = h.AddPeer(topics: [Topic]);
        h.Heartbeats();
        Assert.Contains(p, h.Router.MeshPeers(Topic));

        h.Control(p, RouterHarness.Prune(Topic, backoffSeconds: 30));
        Assert.DoesNotContain(p, h.Router.MeshPeers(Topic));
        h.Out(p).Clear();

        h.Heartbeats(29);
        Assert.DoesNotContain(p, h.Router.MeshPeers(Topic));
        Assert.Empty(h.Out(p).Grafts);

        // Expired backoffs are cleared every 15 heartbeats, with two heartbeats of slack.
        h.Heartbeats(16);
        Assert.Contains(p, h.Router.MeshPeers(Topic));
        Assert.Single(h.Out(p).Grafts);
    }

    [Fact]
    public void AGraftDuringOurBackoffIsPrunedAndPenalized()
    {
        var h = new RouterHarness();
        h.Subscribe(Topic);
        var p = h.AddPeer(topics: [Topic]);
        h.Control(p, RouterHarness.Graft(Topic));
        h.Control(p, RouterHarness.Prune(Topic)); // it leaves: we back off for PruneBackoff (60 s)
        Assert.Equal(0, h.Score.Inspect(p)!.Value.BehaviourPenalty);

        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Control(p, RouterHarness.Graft(Topic));

        Assert.DoesNotContain(p, h.Router.MeshPeers(Topic));
        Assert.Single(h.Out(p).Prunes);
        // One penalty for grafting in backoff, one more for doing it within GraftFloodThreshold (10 s) of the PRUNE.
        Assert.Equal(2, h.Score.Inspect(p)!.Value.BehaviourPenalty);
        Assert.True(h.Score.Score(p) < 0);
    }

    [Fact]
    public void APeerWithANegativeScoreIsPrunedAtTheNextHeartbeatWithoutPeerExchange()
    {
        var h = new RouterHarness();
        h.Subscribe(Topic);
        var peers = h.AddPeers(6, Topic);
        h.Heartbeats();
        var bad = peers[0];
        Assert.Contains(bad, h.Router.MeshPeers(Topic));
        h.Score.AddPenalty(bad, 2);
        h.Out(bad).Clear();

        h.Heartbeats();

        Assert.DoesNotContain(bad, h.Router.MeshPeers(Topic));
        var prune = Assert.Single(h.Out(bad).Prunes);
        Assert.Empty(prune.Peers);
    }

    [Fact]
    public void PruneForOversubscriptionOffersPeerExchangeAndTheBackoff()
    {
        var h = new RouterHarness(o => o.Score = null);
        h.Subscribe(Topic);
        var peers = h.AddPeers(13, Topic);
        foreach (var p in peers) h.Control(p, RouterHarness.Graft(Topic));
        h.Heartbeats();
        var pruned = peers.Where(p => h.Out(p).Prunes.Any()).ToList();
        Assert.NotEmpty(pruned);
        var prune = h.Out(pruned[0]).Prunes.Single();
        Assert.Equal((ulong)h.Options.GossipSub.PruneBackoff.TotalSeconds, prune.Backoff);
        Assert.NotEmpty(prune.Peers);
        Assert.DoesNotContain(prune.Peers, i => i.PeerID.Span.SequenceEqual(pruned[0].Bytes));
    }

    [Fact]
    public void IHaveOfUnseenIdsIsAnsweredWithIWantAndABrokenPromiseIsPenalized()
    {
        var h = new RouterHarness();
        h.Subscribe(Topic);
        var gossiper = h.AddPeer(topics: [Topic]);
        var seen = h.Message(Topic);
        h.State.Seen.Add(seen.Id);
        var unseen = h.Message(Topic);

        h.Control(gossiper, RouterHarness.IHave(Topic, seen.Id, unseen.Id));

        var iwant = Assert.Single(h.Out(gossiper).IWants);
        Assert.Equal(unseen.Id.ToString(), Convert.ToHexStringLower(Assert.Single(iwant.MessageIDs).Span));
        Assert.Equal(1, h.Router.PendingPromises);

        // Not delivered within IWantFollowupTime (3 s): the next heartbeat applies a behaviour penalty.
        h.Heartbeats(4);
        Assert.Equal(1, h.Score.Inspect(gossiper)!.Value.BehaviourPenalty, 1);
        Assert.Equal(0, h.Router.PendingPromises);
    }

    [Fact]
    public void AFulfilledPromiseIsNotPenalized()
    {
        var h = new RouterHarness();
        h.Subscribe(Topic);
        var gossiper = h.AddPeer(topics: [Topic]);
        var m = h.Message(Topic, receivedFrom: gossiper);
        h.Control(gossiper, RouterHarness.IHave(Topic, m.Id));
        h.Router.OnValidating(m);
        h.Router.OnDelivered(m);
        h.Heartbeats(4);
        Assert.Equal(0, h.Score.Inspect(gossiper)!.Value.BehaviourPenalty);
    }

    [Fact]
    public void IHaveBeyondTheHeartbeatLimitIsIgnored()
    {
        var h = new RouterHarness();
        h.Subscribe(Topic);
        var spammer = h.AddPeer(topics: [Topic]);
        for (int i = 0; i < 15; i++) h.Control(spammer, RouterHarness.IHave(Topic, h.Message(Topic).Id));
        Assert.Equal(h.Options.GossipSub.MaxIHaveMessages, h.Out(spammer).IWants.Count());
        h.Heartbeats();
        h.Control(spammer, RouterHarness.IHave(Topic, h.Message(Topic).Id));
        Assert.Equal(h.Options.GossipSub.MaxIHaveMessages + 1, h.Out(spammer).IWants.Count());
    }

    [Fact]
    public void IWantIsAnsweredFromTheCacheAtMostGossipRetransmissionTimesAndUntilTheWindowExpires()
    {
        var h = new RouterHarness();
        h.Subscribe(Topic);
        var asker = h.AddPeer(topics: [Topic]);
        var m = h.Message(Topic);
        h.Router.Publish(m);
        h.Out(asker).Clear();

        for (int i = 0; i < 5; i++) h.Control(asker, RouterHarness.IWant(m.Id));
        Assert.Equal(h.Options.GossipSub.GossipRetransmission, h.Out(asker).Messages.Count);

        var other = h.AddPeer(topics: [Topic]);
        h.Heartbeats(h.Options.GossipSub.HistoryLength - 1);
        h.Control(other, RouterHarness.IWant(m.Id));
        Assert.Single(h.Out(other).Messages);
        h.Heartbeats();
        h.Control(other, RouterHarness.IWant(m.Id));
        Assert.Single(h.Out(other).Messages); // shifted out of the cache
    }

    [Fact]
    public void HeartbeatGossipsRecentIdsToPeersOutsideTheMesh()
    {
        var h = new RouterHarness(o => { o.GossipSub.D = o.GossipSub.DLow = 2; o.GossipSub.DOut = 0; });
        var peers = h.AddPeers(10, Topic);
        h.Subscribe(Topic);
        var m = h.Message(Topic);
        h.Router.Publish(m);

        h.Heartbeats();

        var mesh = h.Router.MeshPeers(Topic);
        var gossiped = peers.Where(p => h.Out(p).IHaves.Any(i => i.MessageIDs.Any(id => id.Span.SequenceEqual(m.Id.Bytes)))).ToList();
        Assert.Equal(h.Options.GossipSub.DLazy, gossiped.Count); // max(D_lazy, 25% of 8)
        Assert.DoesNotContain(gossiped, mesh.Contains);
    }

    [Fact]
    public void IDontWantStopsForwardingThatMessageToThePeerUntilItExpires()
    {
        var h = new RouterHarness();
        h.Subscribe(Topic);
        var peers = h.AddPeers(3, Topic);
        h.Heartbeats();
        var source = peers[0];
        var m1 = h.Message(Topic, receivedFrom: source);

        h.Control(peers[1], RouterHarness.IDontWant(m1.Id));
        h.Router.OnDelivered(m1);

        Assert.Empty(h.Out(peers[1]).Messages);
        Assert.Single(h.Out(peers[2]).Messages);
        Assert.Empty(h.Out(source).Messages);
        h.Heartbeats(h.Options.GossipSub.IDontWantTtlHeartbeats);
        Assert.Empty(h.Peer(peers[1]).DontWant);
    }

    [Fact]
    public void IDontWantIdsAPeerMakesUsHoldAreBoundedPerRpcAndPerHeartbeat()
    {
        var h = new RouterHarness(o => { o.GossipSub.MaxIDontWantLength = 4; o.GossipSub.MaxIDontWantMessages = 2; });
        h.Subscribe(Topic);
        var peer = h.AddPeer(topics: [Topic]);
        static MessageId Id(int i) => new([(byte)(i >> 8), (byte)i]);

        h.Control(peer, RouterHarness.IDontWant([.. Enumerable.Range(0, 10).Select(Id)]));
        Assert.Equal(Enumerable.Range(0, 4).Select(Id).ToHashSet(), h.Peer(peer).DontWant.Keys.ToHashSet());

        h.Control(peer, RouterHarness.IDontWant(Id(100)));
        h.Control(peer, RouterHarness.IDontWant(Id(101))); // the third IDONTWANT of this heartbeat
        Assert.Contains(Id(100), h.Peer(peer).DontWant.Keys);
        Assert.DoesNotContain(Id(101), h.Peer(peer).DontWant.Keys);

        h.Heartbeats();
        h.Control(peer, RouterHarness.IDontWant(Id(102)));
        Assert.Contains(Id(102), h.Peer(peer).DontWant.Keys);
    }

    [Fact]
    public void ALargeFirstSeenMessageSendsIDontWantToV12MeshPeersOnly()
    {
        var h = new RouterHarness();
        h.Subscribe(Topic);
        var v12 = h.AddPeer(topics: [Topic]);
        var v11 = h.AddPeer(PubSubProtocols.MeshSubV11, topics: [Topic]);
        var source = h.AddPeer(topics: [Topic]);
        h.Heartbeats();

        h.Router.OnValidating(h.Message(Topic, receivedFrom: source, size: 100));
        Assert.Empty(h.Out(v12).IDontWants);
        h.Router.OnValidating(h.Message(Topic, receivedFrom: source, size: 2000));
        Assert.Single(h.Out(v12).IDontWants);
        Assert.Empty(h.Out(v11).IDontWants);
        Assert.Empty(h.Out(source).IDontWants);
    }

    [Fact]
    public void PublishingWithoutSubscribingUsesFanoutUntilItsTtlOrFloodPublishes()
    {
        var h = new RouterHarness(o => o.GossipSub.FloodPublish = false);
        var peers = h.AddPeers(10, Topic);
        h.Router.Publish(h.Message(Topic));
        Assert.Equal(h.Options.GossipSub.D, h.Router.FanoutPeers(Topic).Count);
        Assert.Equal(h.Options.GossipSub.D, peers.Count(p => h.Out(p).Messages.Count == 1));

        h.Heartbeats((int)h.Options.GossipSub.FanoutTtl.TotalSeconds + 1);
        Assert.Empty(h.Router.FanoutPeers(Topic));

        var flood = new RouterHarness();
        var all = flood.AddPeers(10, Topic);
        flood.Router.Publish(flood.Message(Topic));
        Assert.All(all, p => Assert.Single(flood.Out(p).Messages));
    }

    [Fact]
    public void APeerThatDoesNotReadIsPrunedFromTheMeshInsteadOfQueuedWithoutBound()
    {
        var h = new RouterHarness();
        h.Subscribe(Topic);
        var peers = h.AddPeers(3, Topic);
        h.Heartbeats();
        var slow = peers[0];
        h.Out(slow).Full = true;

        h.Router.OnDelivered(h.Message(Topic, receivedFrom: peers[1]));

        Assert.DoesNotContain(slow, h.Router.MeshPeers(Topic));
        Assert.Single(h.Out(slow).Prunes);
        Assert.True(h.Router.InBackoff(slow, Topic));
        Assert.Contains(peers[2], h.Router.MeshPeers(Topic));
    }

    [Fact]
    public void LeavingPrunesTheMeshWithTheUnsubscribeBackoff()
    {
        var h = new RouterHarness();
        var peers = h.AddPeers(3, Topic);
        h.Subscribe(Topic);
        h.Router.Leave(Topic);
        Assert.Empty(h.Router.MeshPeers(Topic));
        Assert.All(peers, p => Assert.Equal((ulong)h.Options.GossipSub.UnsubscribeBackoff.TotalSeconds, h.Out(p).Prunes.Single().Backoff));
    }

    [Fact]
    public void GraylistedPeersAreNotAccepted()
    {
        var h = new RouterHarness();
        var p = h.AddPeer(topics: [Topic]);
        Assert.True(h.Router.AcceptFrom(h.Peer(p)));
        h.Score.AddPenalty(p, 3); // 3^2 * -10 = -90 < -80
        Assert.False(h.Router.AcceptFrom(h.Peer(p)));
    }

    [Fact]
    public void OpportunisticGraftingAddsPeersScoringAboveALowMedian()
    {
        var h = new RouterHarness(o =>
        {
            o.GossipSub.OpportunisticGraftTicks = 2;
            o.Score!.Topics[Topic] = new TopicScoreParams
            {
                TimeInMeshWeight = 0, MeshMessageDeliveriesWeight = 0, MeshFailurePenaltyWeight = 0,
                FirstMessageDeliveriesWeight = 10, FirstMessageDeliveriesDecay = 0.9, TopicWeight = 1,
            };
        });
        var mesh = h.AddPeers(6, Topic);
        h.Subscribe(Topic);
        var good = h.AddPeers(3, Topic);
        // The good peers deliver first many times while outside the mesh.
        foreach (var g in good)
            for (int i = 0; i < 5; i++)
            {
                var m = h.Message(Topic, receivedFrom: g);
                h.Router.OnValidating(m);
                h.Router.OnDelivered(m);
            }
        Assert.True(h.Score.Score(good[0]) > h.Options.Thresholds.OpportunisticGraftThreshold);

        h.Heartbeats(2);

        Assert.Equal(h.Options.GossipSub.D + h.Options.GossipSub.OpportunisticGraftPeers, h.Router.MeshPeers(Topic).Count);
        Assert.Equal(2, good.Count(g => h.Router.MeshPeers(Topic).Contains(g)));
    }
}
