using System.Net;
using Libp2p.Identity;
using Libp2p.PubSub;
using Libp2p.PubSub.Scoring;
using Microsoft.Extensions.Time.Testing;

namespace Libp2p.Tests.PubSub;

/// <summary>Peer scoring v1.1 (P1–P4, P6, P7, decay, retention) on a fake clock.</summary>
public class PeerScoreTests
{
    private const string Topic = "t";
    private readonly FakeTimeProvider _time = new();

    private PeerScore Create(Action<PeerScoreParams>? configure = null, TopicScoreParams? topic = null)
    {
        var p = new PeerScoreParams();
        p.Topics[Topic] = topic ?? new TopicScoreParams();
        configure?.Invoke(p);
        p.Validate();
        return new PeerScore(p, _time, TimeSpan.FromMinutes(2), 10_000);
    }

    private static PubSubMessage Message(PeerId from, int n)
    {
        var m = new PubSubMessage(Topic, [], null, null, null, null, from, []);
        m.Id = new MessageId(BitConverter.GetBytes(n));
        return m;
    }

    [Fact]
    public void TimeInMeshGrowsWithTheClockUpToItsCap()
    {
        var score = Create(topic: new TopicScoreParams
        {
            TimeInMeshQuantum = TimeSpan.FromSeconds(1), TimeInMeshCap = 10, TimeInMeshWeight = 1, TopicWeight = 1,
            MeshMessageDeliveriesWeight = 0,
        });
        var p = PrivateKey.Generate().ToPeerId();
        score.AddPeer(p, null);
        score.Graft(p, Topic);
        _time.Advance(TimeSpan.FromSeconds(4));
        score.Refresh();
        Assert.Equal(4, score.Score(p), 6);
        _time.Advance(TimeSpan.FromSeconds(60));
        score.Refresh();
        Assert.Equal(10, score.Score(p), 6);
    }

    [Fact]
    public void InvalidMessagesCostTheSquareOfTheirCountAndDecay()
    {
        var score = Create(topic: new TopicScoreParams { InvalidMessageDeliveriesWeight = -1, InvalidMessageDeliveriesDecay = 0.5, TopicWeight = 1, TimeInMeshWeight = 0 });
        var p = PrivateKey.Generate().ToPeerId();
        score.AddPeer(p, null);
        for (int i = 0; i < 4; i++)
        {
            var m = Message(p, i);
            score.ValidateMessage(m);
            score.RejectMessage(m, RejectReason.ValidationFailed);
        }
        Assert.Equal(-16, score.Score(p), 6);
        score.Refresh();
        Assert.Equal(-4, score.Score(p), 6); // counter 4 -> 2
        score.Refresh();
        score.Refresh();
        score.Refresh(); // 2 -> 1 -> 0.5 -> 0.25
        score.Refresh(); // 0.125 -> below DecayToZero (0.1)? no: 0.125
        score.Refresh(); // 0.0625 -> 0
        Assert.Equal(0, score.Score(p));
    }

    [Fact]
    public void AForwarderOfAnInvalidMessageDuringValidationIsPenalizedTooButNotForAnIgnoredOne()
    {
        var score = Create(topic: new TopicScoreParams { TopicWeight = 1, TimeInMeshWeight = 0 });
        var (a, b) = (PrivateKey.Generate().ToPeerId(), PrivateKey.Generate().ToPeerId());
        score.AddPeer(a, null);
        score.AddPeer(b, null);
        var invalid = Message(a, 1);
        score.ValidateMessage(invalid);
        score.DuplicateMessage(b, Topic, invalid.Id);
        score.RejectMessage(invalid, RejectReason.ValidationFailed);
        Assert.Equal(-1, score.Score(a), 6);
        Assert.Equal(-1, score.Score(b), 6);

        var ignored = Message(a, 2);
        score.ValidateMessage(ignored);
        score.DuplicateMessage(b, Topic, ignored.Id);
        score.RejectMessage(ignored, RejectReason.Ignored);
        Assert.Equal(-1, score.Score(a), 6);
        Assert.Equal(-1, score.Score(b), 6);
    }

    [Fact]
    public void AMeshPeerThatDeliversTooLittleIsPenalizedOnlyAfterActivationAndStickilyWhenPruned()
    {
        var tp = new TopicScoreParams
        {
            TopicWeight = 1, TimeInMeshWeight = 0, FirstMessageDeliveriesWeight = 0,
            MeshMessageDeliveriesWeight = -1, MeshMessageDeliveriesThreshold = 4, MeshMessageDeliveriesCap = 10,
            MeshMessageDeliveriesActivation = TimeSpan.FromSeconds(5), MeshMessageDeliveriesDecay = 0.9,
            MeshFailurePenaltyWeight = -1, MeshFailurePenaltyDecay = 0.9,
        };
        var score = Create(topic: tp);
        var (lazy, busy) = (PrivateKey.Generate().ToPeerId(), PrivateKey.Generate().ToPeerId());
        foreach (var p in new[] { lazy, busy }) { score.AddPeer(p, null); score.Graft(p, Topic); }
        for (int i = 0; i < 10; i++)
        {
            var m = Message(busy, i);
            score.ValidateMessage(m);
            score.DeliverMessage(m);
        }
        _time.Advance(TimeSpan.FromSeconds(3));
        score.Refresh();
        Assert.Equal(0, score.Score(lazy)); // not active yet
        _time.Advance(TimeSpan.FromSeconds(3));
        score.Refresh();
        Assert.Equal(-16, score.Score(lazy), 6); // deficit 4, squared
        Assert.Equal(0, score.Score(busy), 6);

        // Pruned with a deficit: P3b adds it stickily; P3 itself stays active until the next graft (as in go).
        score.Prune(lazy, Topic);
        Assert.Equal(-32, score.Score(lazy), 6);
        score.Graft(lazy, Topic);
        Assert.Equal(-16, score.Score(lazy), 6);
        score.Refresh();
        Assert.Equal(-16 * 0.9, score.Score(lazy), 6);
    }

    [Fact]
    public void BehaviourPenaltyIsTheSquareAboveTheThresholdAndDecays()
    {
        var score = Create(p => { p.BehaviourPenaltyWeight = -1; p.BehaviourPenaltyThreshold = 1; p.BehaviourPenaltyDecay = 0.5; });
        var peer = PrivateKey.Generate().ToPeerId();
        score.AddPeer(peer, null);
        score.AddPenalty(peer, 1);
        Assert.Equal(0, score.Score(peer));
        score.AddPenalty(peer, 3);
        Assert.Equal(-9, score.Score(peer), 6);
        score.Refresh(); // 4 -> 2
        Assert.Equal(-1, score.Score(peer), 6);
    }

    [Fact]
    public void ManyPeersOnOneIpArePenalizedUnlessTheIpIsWhitelisted()
    {
        var ip = IPAddress.Parse("10.0.0.1");
        var score = Create(p => { p.IPColocationFactorThreshold = 2; p.IPColocationFactorWeight = -1; });
        var peers = Enumerable.Range(0, 4).Select(_ => PrivateKey.Generate().ToPeerId()).ToList();
        foreach (var p in peers) score.AddPeer(p, ip);
        Assert.Equal(-4, score.Score(peers[0]), 6); // surplus 2, squared
        var other = PrivateKey.Generate().ToPeerId();
        score.AddPeer(other, IPAddress.Parse("10.0.0.2"));
        Assert.Equal(0, score.Score(other));

        var whitelisted = Create(p => { p.IPColocationFactorThreshold = 2; p.IPColocationFactorWeight = -1; p.IPColocationFactorWhitelist.Add(ip); });
        foreach (var p in peers) whitelisted.AddPeer(p, ip);
        Assert.Equal(0, whitelisted.Score(peers[0]));
    }

    [Fact]
    public void ANegativeScoreSurvivesReconnectingUntilRetainScorePassesAndDoesNotDecayMeanwhile()
    {
        var score = Create(p => p.RetainScore = TimeSpan.FromSeconds(30));
        var peer = PrivateKey.Generate().ToPeerId();
        score.AddPeer(peer, null);
        score.AddPenalty(peer, 2);
        double before = score.Score(peer);
        Assert.True(before < 0);

        score.RemovePeer(peer);
        _time.Advance(TimeSpan.FromSeconds(10));
        score.Refresh();
        score.AddPeer(peer, null);
        Assert.Equal(before, score.Score(peer), 6);

        score.RemovePeer(peer);
        _time.Advance(TimeSpan.FromSeconds(31));
        score.Refresh();
        score.AddPeer(peer, null);
        Assert.Equal(0, score.Score(peer));
    }

    [Fact]
    public void APositiveScoreIsForgottenOnDisconnect()
    {
        var score = Create(topic: new TopicScoreParams { TopicWeight = 1, TimeInMeshWeight = 0, FirstMessageDeliveriesWeight = 1 });
        var peer = PrivateKey.Generate().ToPeerId();
        score.AddPeer(peer, null);
        var m = Message(peer, 1);
        score.ValidateMessage(m);
        score.DeliverMessage(m);
        Assert.Equal(1, score.Score(peer), 6);
        score.RemovePeer(peer);
        Assert.Null(score.Inspect(peer));
    }
}
