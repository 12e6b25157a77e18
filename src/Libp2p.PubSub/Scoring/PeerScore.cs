using System.Net;
using Libp2p.Identity;

namespace Libp2p.PubSub.Scoring;

/// <summary>
/// The peer score of gossipsub v1.1: counters per peer and topic fed by the router (grafts, prunes, deliveries,
/// invalid messages, penalties), decayed by <see cref="Refresh"/> every decay interval, combined by <see cref="Score"/>.
/// Follows go-libp2p-pubsub's score.go. Not thread-safe: the router's lock guards it.
/// </summary>
internal sealed class PeerScore
{
    private readonly PeerScoreParams _params;
    private readonly TimeProvider _time;
    private readonly Dictionary<PeerId, PeerStats> _peers = new();
    private readonly Dictionary<IPAddress, HashSet<PeerId>> _peersByIp = new();
    private readonly Dictionary<MessageId, DeliveryRecord> _deliveries = new();
    private readonly Queue<(MessageId Id, long Expiry)> _deliveryOrder = new();
    private readonly long _deliveryTtlTicks;
    private readonly int _maxDeliveryRecords;

    public PeerScore(PeerScoreParams parameters, TimeProvider time, TimeSpan deliveryRecordTtl, int maxDeliveryRecords)
    {
        _params = parameters;
        _time = time;
        _deliveryTtlTicks = (long)(deliveryRecordTtl.TotalSeconds * time.TimestampFrequency);
        _maxDeliveryRecords = maxDeliveryRecords;
    }

    public PeerScoreParams Params => _params;

    private long Now => _time.GetTimestamp();
    private TimeSpan Since(long timestamp) => _time.GetElapsedTime(timestamp);

    public double Score(PeerId peer)
    {
        if (!_peers.TryGetValue(peer, out var stats)) return 0;
        double score = 0;
        foreach (var (topic, t) in stats.Topics)
        {
            if (!_params.Topics.TryGetValue(topic, out var tp)) continue;
            double topicScore = 0;
            if (t.InMesh)
            {
                double p1 = Math.Min(t.MeshTime / tp.TimeInMeshQuantum, tp.TimeInMeshCap);
                topicScore += p1 * tp.TimeInMeshWeight;
            }
            topicScore += t.FirstMessageDeliveries * tp.FirstMessageDeliveriesWeight;
            if (t.MeshMessageDeliveriesActive && t.MeshMessageDeliveries < tp.MeshMessageDeliveriesThreshold)
            {
                double deficit = tp.MeshMessageDeliveriesThreshold - t.MeshMessageDeliveries;
                topicScore += deficit * deficit * tp.MeshMessageDeliveriesWeight;
            }
            topicScore += t.MeshFailurePenalty * tp.MeshFailurePenaltyWeight;
            topicScore += t.InvalidMessageDeliveries * t.InvalidMessageDeliveries * tp.InvalidMessageDeliveriesWeight;
            score += topicScore * tp.TopicWeight;
        }
        if (_params.TopicScoreCap > 0 && score > _params.TopicScoreCap) score = _params.TopicScoreCap;

        if (_params.AppSpecificScore is { } app) score += app(peer) * _params.AppSpecificWeight;
        score += IpColocationFactor(stats) * _params.IPColocationFactorWeight;
        if (stats.BehaviourPenalty > _params.BehaviourPenaltyThreshold)
        {
            double excess = stats.BehaviourPenalty - _params.BehaviourPenaltyThreshold;
            score += excess * excess * _params.BehaviourPenaltyWeight;
        }
        return score;
    }

    private double IpColocationFactor(PeerStats stats)
    {
        if (stats.Ip is not { } ip || _params.IPColocationFactorWhitelist.Contains(ip)) return 0;
        int peersInIp = _peersByIp.TryGetValue(ip, out var set) ? set.Count : 0;
        if (peersInIp <= _params.IPColocationFactorThreshold) return 0;
        double surplus = peersInIp - _params.IPColocationFactorThreshold;
        return surplus * surplus;
    }

    /// <summary>A peer connected (again: a retained score comes back).</summary>
    public void AddPeer(PeerId peer, IPAddress? ip)
    {
        if (!_peers.TryGetValue(peer, out var stats)) _peers[peer] = stats = new PeerStats();
        stats.Connected = true;
        SetIp(peer, stats, ip);
    }

    /// <summary>
    /// A peer disconnected: a positive score is forgotten; otherwise it is retained for <see cref="PeerScoreParams.RetainScore"/>
    /// (so a misbehaving peer cannot reset it by reconnecting), with first deliveries reset and mesh failures applied.
    /// </summary>
    public void RemovePeer(PeerId peer)
    {
        if (!_peers.TryGetValue(peer, out var stats)) return;
        if (Score(peer) > 0)
        {
            Forget(peer, stats);
            return;
        }
        foreach (var (topic, t) in stats.Topics)
        {
            t.FirstMessageDeliveries = 0;
            if (_params.Topics.TryGetValue(topic, out var tp) && t.InMesh && t.MeshMessageDeliveriesActive
                && t.MeshMessageDeliveries < tp.MeshMessageDeliveriesThreshold)
            {
                double deficit = tp.MeshMessageDeliveriesThreshold - t.MeshMessageDeliveries;
                t.MeshFailurePenalty += deficit * deficit;
            }
            t.InMesh = false;
        }
        stats.Connected = false;
        stats.Expire = Now + (long)(_params.RetainScore.TotalSeconds * _time.TimestampFrequency);
        int retained = 0;
        foreach (var s in _peers.Values) if (!s.Connected) retained++;
        if (retained > _params.MaxRetainedPeers)
        {
            var oldest = _peers.Where(p => !p.Value.Connected).MinBy(p => p.Value.Expire);
            Forget(oldest.Key, oldest.Value);
        }
    }

    private void Forget(PeerId peer, PeerStats stats)
    {
        SetIp(peer, stats, null);
        _peers.Remove(peer);
    }

    private void SetIp(PeerId peer, PeerStats stats, IPAddress? ip)
    {
        if (Equals(stats.Ip, ip)) return;
        if (stats.Ip is { } old && _peersByIp.TryGetValue(old, out var set))
        {
            set.Remove(peer);
            if (set.Count == 0) _peersByIp.Remove(old);
        }
        stats.Ip = ip;
        if (ip is not null)
        {
            if (!_peersByIp.TryGetValue(ip, out set)) _peersByIp[ip] = set = [];
            set.Add(peer);
        }
    }

    public void Graft(PeerId peer, string topic)
    {
        if (StatsFor(peer, topic) is not { } t) return;
        t.InMesh = true;
        t.GraftTime = Now;
        t.MeshTime = TimeSpan.Zero;
        t.MeshMessageDeliveriesActive = false;
    }

    public void Prune(PeerId peer, string topic)
    {
        if (StatsFor(peer, topic) is not { } t) return;
        var tp = _params.Topics[topic];
        if (t.MeshMessageDeliveriesActive && t.MeshMessageDeliveries < tp.MeshMessageDeliveriesThreshold)
        {
            double deficit = tp.MeshMessageDeliveriesThreshold - t.MeshMessageDeliveries;
            t.MeshFailurePenalty += deficit * deficit;
        }
        t.InMesh = false;
    }

    public void AddPenalty(PeerId peer, int count)
    {
        if (_peers.TryGetValue(peer, out var stats)) stats.BehaviourPenalty += count;
    }

    /// <summary>A message was seen for the first time and goes to validation: its delivery record starts.</summary>
    public void ValidateMessage(PubSubMessage message) => Record(message.Id);

    /// <summary>A message passed validation: first delivery for its sender, near-first for mesh peers that sent it meanwhile.</summary>
    public void DeliverMessage(PubSubMessage message)
    {
        MarkFirstDelivery(message.ReceivedFrom, message.Topic);
        var record = Record(message.Id);
        if (record.Status != DeliveryStatus.Unknown) return;
        record.Status = DeliveryStatus.Valid;
        record.Validated = Now;
        if (record.Peers is { } peers)
            foreach (var p in peers)
                if (p != message.ReceivedFrom) MarkDuplicateDelivery(p, message.Topic, null);
    }

    public void RejectMessage(PubSubMessage message, RejectReason reason)
    {
        if (reason == RejectReason.InvalidSignature)
        {
            MarkInvalidDelivery(message.ReceivedFrom, message.Topic);
            return;
        }
        var record = Record(message.Id);
        if (record.Status != DeliveryStatus.Unknown) return;
        switch (reason)
        {
            case RejectReason.Throttled:
                record.Status = DeliveryStatus.Throttled;
                record.Peers = null;
                return;
            case RejectReason.Ignored:
                record.Status = DeliveryStatus.Ignored;
                record.Peers = null;
                return;
        }
        record.Status = DeliveryStatus.Invalid;
        MarkInvalidDelivery(message.ReceivedFrom, message.Topic);
        if (record.Peers is { } peers)
            foreach (var p in peers) MarkInvalidDelivery(p, message.Topic);
        record.Peers = null;
    }

    /// <summary>A message we had seen came again from <paramref name="from"/>.</summary>
    public void DuplicateMessage(PeerId from, string topic, MessageId id)
    {
        var record = Record(id);
        if (record.Peers?.Contains(from) == true) return;
        switch (record.Status)
        {
            case DeliveryStatus.Unknown:
                (record.Peers ??= []).Add(from);
                break;
            case DeliveryStatus.Valid:
                (record.Peers ??= []).Add(from);
                MarkDuplicateDelivery(from, topic, record.Validated);
                break;
            case DeliveryStatus.Invalid:
                MarkInvalidDelivery(from, topic);
                break;
        }
    }

    /// <summary>Decays every counter, updates time in mesh, forgets expired retained scores and delivery records.</summary>
    public void Refresh()
    {
        long now = Now;
        List<PeerId>? expired = null;
        foreach (var (peer, stats) in _peers)
        {
            if (!stats.Connected)
            {
                if (now >= stats.Expire) (expired ??= []).Add(peer);
                continue; // a retained score does not decay: the peer is not here to earn it back
            }
            foreach (var (topic, t) in stats.Topics)
            {
                if (!_params.Topics.TryGetValue(topic, out var tp)) continue;
                t.FirstMessageDeliveries = Decay(t.FirstMessageDeliveries, tp.FirstMessageDeliveriesDecay);
                t.MeshMessageDeliveries = Decay(t.MeshMessageDeliveries, tp.MeshMessageDeliveriesDecay);
                t.MeshFailurePenalty = Decay(t.MeshFailurePenalty, tp.MeshFailurePenaltyDecay);
                t.InvalidMessageDeliveries = Decay(t.InvalidMessageDeliveries, tp.InvalidMessageDeliveriesDecay);
                if (t.InMesh)
                {
                    t.MeshTime = Since(t.GraftTime);
                    if (t.MeshTime > tp.MeshMessageDeliveriesActivation) t.MeshMessageDeliveriesActive = true;
                }
            }
            stats.BehaviourPenalty = Decay(stats.BehaviourPenalty, _params.BehaviourPenaltyDecay);
        }
        if (expired is not null)
            foreach (var peer in expired) Forget(peer, _peers[peer]);
        while (_deliveryOrder.TryPeek(out var head) && head.Expiry <= now)
        {
            _deliveryOrder.Dequeue();
            _deliveries.Remove(head.Id);
        }
    }

    private double Decay(double value, double factor)
    {
        value *= factor;
        return value < _params.DecayToZero ? 0 : value;
    }

    private DeliveryRecord Record(MessageId id)
    {
        if (_deliveries.TryGetValue(id, out var r)) return r;
        r = new DeliveryRecord();
        _deliveries[id] = r;
        _deliveryOrder.Enqueue((id, Now + _deliveryTtlTicks));
        while (_deliveries.Count > _maxDeliveryRecords && _deliveryOrder.TryDequeue(out var oldest))
            _deliveries.Remove(oldest.Id);
        return r;
    }

    private TopicStats? StatsFor(PeerId peer, string topic)
    {
        if (!_params.Topics.ContainsKey(topic) || !_peers.TryGetValue(peer, out var stats)) return null;
        if (!stats.Topics.TryGetValue(topic, out var t)) stats.Topics[topic] = t = new TopicStats();
        return t;
    }

    private void MarkFirstDelivery(PeerId peer, string topic)
    {
        if (StatsFor(peer, topic) is not { } t) return;
        var tp = _params.Topics[topic];
        t.FirstMessageDeliveries = Math.Min(t.FirstMessageDeliveries + 1, tp.FirstMessageDeliveriesCap);
        if (t.InMesh) t.MeshMessageDeliveries = Math.Min(t.MeshMessageDeliveries + 1, tp.MeshMessageDeliveriesCap);
    }

    // A duplicate counts for P3 while validation runs (validated == null) or within the near-first window after it.
    private void MarkDuplicateDelivery(PeerId peer, string topic, long? validated)
    {
        if (StatsFor(peer, topic) is not { } t || !t.InMesh) return;
        var tp = _params.Topics[topic];
        if (validated is { } v && Since(v) > tp.MeshMessageDeliveriesWindow) return;
        t.MeshMessageDeliveries = Math.Min(t.MeshMessageDeliveries + 1, tp.MeshMessageDeliveriesCap);
    }

    private void MarkInvalidDelivery(PeerId peer, string topic)
    {
        if (StatsFor(peer, topic) is { } t) t.InvalidMessageDeliveries += 1;
    }

    /// <summary>The counters of one peer, for tests and diagnostics.</summary>
    internal (double BehaviourPenalty, bool Connected)? Inspect(PeerId peer) =>
        _peers.TryGetValue(peer, out var s) ? (s.BehaviourPenalty, s.Connected) : null;

    internal TopicStats? InspectTopic(PeerId peer, string topic) =>
        _peers.TryGetValue(peer, out var s) && s.Topics.TryGetValue(topic, out var t) ? t : null;

    private sealed class PeerStats
    {
        public readonly Dictionary<string, TopicStats> Topics = new(StringComparer.Ordinal);
        public bool Connected;
        public long Expire;
        public IPAddress? Ip;
        public double BehaviourPenalty;
    }

    internal sealed class TopicStats
    {
        public bool InMesh;
        public long GraftTime;
        public TimeSpan MeshTime;
        public double FirstMessageDeliveries;
        public double MeshMessageDeliveries;
        public bool MeshMessageDeliveriesActive;
        public double MeshFailurePenalty;
        public double InvalidMessageDeliveries;
    }

    private enum DeliveryStatus { Unknown, Valid, Invalid, Ignored, Throttled }

    private sealed class DeliveryRecord
    {
        public DeliveryStatus Status;
        public long Validated;
        public HashSet<PeerId>? Peers;
    }
}
