using Google.Protobuf;
using Libp2p.Identity;
using Libp2p.PubSub.Pb;

namespace Libp2p.PubSub.Routing;

// The heartbeat: mesh maintenance (negative scores out, D_lo/D_hi, D_out, opportunistic grafting), fanout upkeep,
// gossip emission, promise penalties, counters, and the message cache shift (go-libp2p-pubsub gossipsub.go heartbeat()).
internal sealed partial class GossipSubRouter
{
    public void Heartbeat()
    {
        _heartbeatTicks++;
        var toGraft = new Dictionary<PeerId, List<string>>();
        var toPrune = new Dictionary<PeerId, List<string>>();
        var noPx = new HashSet<PeerId>();

        if (_heartbeatTicks % Math.Max(1, _o.BackoffClearTicks) == 0) _backoffs.Clear(2 * _o.HeartbeatInterval);
        ResetPerHeartbeatCounters();
        foreach (var (peer, count) in _promises.TakeBroken()) Score?.AddPenalty(peer, count);

        var scores = new Dictionary<PeerId, double>();
        double ScoreCached(PeerId p)
        {
            if (!scores.TryGetValue(p, out double s)) scores[p] = s = ScoreOf(p);
            return s;
        }

        foreach (var (topic, mesh) in _mesh)
        {
            void Prune(PeerId p)
            {
                Score?.Prune(p, topic);
                mesh.Remove(p);
                _backoffs.Add(p, topic, _o.PruneBackoff);
                Add(toPrune, p, topic);
            }
            void Graft(PeerId p)
            {
                Score?.Graft(p, topic);
                mesh.Add(p);
                Add(toGraft, p, topic);
            }
            bool Eligible(PubSubPeer p) => !mesh.Contains(p.Id) && !_backoffs.Contains(p.Id, topic) && !IsDirect(p.Id);

            foreach (var p in mesh.Where(p => ScoreCached(p) < 0).ToList())
            {
                Prune(p);
                noPx.Add(p);
            }

            if (mesh.Count < _o.DLow)
                foreach (var p in PickPeers(topic, _o.D - mesh.Count, p => Eligible(p) && ScoreCached(p.Id) >= 0)) Graft(p.Id);

            if (mesh.Count > _o.DHigh)
            {
                var list = mesh.ToList();
                _state.Shuffle(list);
                list.Sort((a, b) => ScoreCached(b).CompareTo(ScoreCached(a)));
                // Keep the best D_score by score, the rest of the D at random, with at least D_out outbound peers.
                var rest = list.GetRange(_o.DScore, list.Count - _o.DScore);
                _state.Shuffle(rest);
                list.RemoveRange(_o.DScore, list.Count - _o.DScore);
                list.AddRange(rest);
                int outbound = list.Take(_o.D).Count(IsOutboundPeer);
                if (outbound < _o.DOut)
                {
                    void Rotate(int i)
                    {
                        var p = list[i];
                        list.RemoveAt(i);
                        list.Insert(0, p);
                    }
                    if (outbound > 0)
                    {
                        int have = outbound;
                        for (int i = 1; i < _o.D && have > 0; i++)
                            if (IsOutboundPeer(list[i])) { Rotate(i); have--; }
                    }
                    int need = _o.DOut - outbound;
                    for (int i = _o.D; i < list.Count && need > 0; i++)
                        if (IsOutboundPeer(list[i])) { Rotate(i); need--; }
                }
                foreach (var p in list.Skip(_o.D).ToList()) Prune(p);
            }

            if (mesh.Count >= _o.DLow)
            {
                int outbound = mesh.Count(IsOutboundPeer);
                if (outbound < _o.DOut)
                    foreach (var p in PickPeers(topic, _o.DOut - outbound, p => Eligible(p) && p.IsOutbound && ScoreCached(p.Id) >= 0)) Graft(p.Id);
            }

            if (_o.OpportunisticGraftTicks > 0 && _heartbeatTicks % _o.OpportunisticGraftTicks == 0 && mesh.Count > 1)
            {
                var byScore = mesh.OrderBy(ScoreCached).ToList();
                double median = ScoreCached(byScore[byScore.Count / 2]);
                if (median < _t.OpportunisticGraftThreshold)
                    foreach (var p in PickPeers(topic, _o.OpportunisticGraftPeers, p => Eligible(p) && ScoreCached(p.Id) > median)) Graft(p.Id);
            }

            EmitGossip(topic, mesh);
        }

        long now = _state.Time.GetTimestamp();
        long fanoutTtl = (long)(_o.FanoutTtl.TotalSeconds * _state.Time.TimestampFrequency);
        foreach (var (topic, last) in _lastPublished.ToList())
        {
            if (last + fanoutTtl < now)
            {
                _fanout.Remove(topic);
                _lastPublished.Remove(topic);
            }
        }
        foreach (var (topic, fanout) in _fanout)
        {
            _state.TopicPeers.TryGetValue(topic, out var subscribed);
            fanout.RemoveWhere(p => subscribed?.Contains(p) != true || ScoreCached(p) < _t.PublishThreshold);
            if (fanout.Count < _o.D)
                foreach (var p in PickPeers(topic, _o.D - fanout.Count, p => !fanout.Contains(p.Id) && !IsDirect(p.Id) && ScoreCached(p.Id) >= _t.PublishThreshold))
                    fanout.Add(p.Id);
            EmitGossip(topic, fanout);
        }

        SendGraftPrune(toGraft, toPrune, noPx);
        FlushGossip();
        _cache.Shift();
    }

    private bool IsOutboundPeer(PeerId p) => _state.Peers.TryGetValue(p, out var peer) && peer.IsOutbound;

    private static void Add(Dictionary<PeerId, List<string>> map, PeerId p, string topic)
    {
        if (!map.TryGetValue(p, out var topics)) map[p] = topics = [];
        topics.Add(topic);
    }

    private void ResetPerHeartbeatCounters()
    {
        foreach (var peer in _state.Peers.Values)
        {
            peer.IHavesReceived = 0;
            peer.IdsAsked = 0;
            peer.IDontWantsReceived = 0;
            peer.IWantReplies = 0;
            if (peer.DontWant.Count == 0) continue;
            List<MessageId>? expired = null;
            foreach (var (id, left) in peer.DontWant)
            {
                if (left <= 1) (expired ??= []).Add(id);
                else peer.DontWant[id] = left - 1;
            }
            if (expired is not null) foreach (var id in expired) peer.DontWant.Remove(id);
        }
    }

    /// <summary>IHAVE of the recent ids in <paramref name="topic"/> to GossipFactor of the eligible peers (at least D_lazy), outside <paramref name="exclude"/>.</summary>
    private void EmitGossip(string topic, HashSet<PeerId> exclude)
    {
        var ids = _cache.GetGossipIds(topic);
        if (ids.Count == 0) return;
        var peers = new List<PubSubPeer>();
        foreach (var p in _state.PeersIn(topic))
            if (!exclude.Contains(p.Id) && !IsDirect(p.Id) && p.SpeaksMesh && ScoreOf(p.Id) >= _t.GossipThreshold) peers.Add(p);
        int target = Math.Max(_o.DLazy, (int)(_o.GossipFactor * peers.Count));
        if (target < peers.Count)
        {
            _state.Shuffle(peers);
            peers.RemoveRange(target, peers.Count - target);
        }
        _state.Shuffle(ids);
        foreach (var p in peers)
        {
            var ihave = new ControlIHave { TopicID = topic };
            foreach (var id in ids.Count > _o.MaxIHaveLength ? ids.Take(_o.MaxIHaveLength) : ids)
                ihave.MessageIDs.Add(UnsafeByteOperations.UnsafeWrap(id.ToArray()));
            if (!_pendingGossip.TryGetValue(p.Id, out var list)) _pendingGossip[p.Id] = list = [];
            list.Add(ihave);
        }
    }

    private void SendGraftPrune(Dictionary<PeerId, List<string>> toGraft, Dictionary<PeerId, List<string>> toPrune, HashSet<PeerId> noPx)
    {
        foreach (var (id, topics) in toGraft)
        {
            if (!_state.Peers.TryGetValue(id, out var peer)) continue;
            var control = new ControlMessage();
            foreach (var t in topics) control.Graft.Add(new ControlGraft { TopicID = t });
            if (toPrune.Remove(id, out var prunes))
                foreach (var t in prunes) control.Prune.Add(MakePrune(peer, t, _o.DoPeerExchange && !noPx.Contains(id), unsubscribe: false));
            AttachGossip(id, control);
            peer.Outbound.TrySendControl(new RPC { Control = control });
        }
        foreach (var (id, topics) in toPrune)
        {
            if (!_state.Peers.TryGetValue(id, out var peer)) continue;
            var control = new ControlMessage();
            foreach (var t in topics) control.Prune.Add(MakePrune(peer, t, _o.DoPeerExchange && !noPx.Contains(id), unsubscribe: false));
            AttachGossip(id, control);
            peer.Outbound.TrySendControl(new RPC { Control = control });
        }
    }

    private void AttachGossip(PeerId id, ControlMessage control)
    {
        if (_pendingGossip.Remove(id, out var ihaves)) control.Ihave.AddRange(ihaves);
    }

    private void FlushGossip()
    {
        foreach (var (id, ihaves) in _pendingGossip)
            if (_state.Peers.TryGetValue(id, out var peer))
                peer.Outbound.TrySendControl(new RPC { Control = new ControlMessage { Ihave = { ihaves } } });
        _pendingGossip.Clear();
    }
}
