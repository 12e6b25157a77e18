using Google.Protobuf;
using Libp2p.Identity;
using Libp2p.PubSub.Pb;

namespace Libp2p.PubSub.Routing;

// The control messages a peer sends us: IHAVE, IWANT, GRAFT, PRUNE (v1.0/v1.1), IDONTWANT (v1.2).
internal sealed partial class GossipSubRouter
{
    public void HandleControl(PubSubPeer peer, ControlMessage control)
    {
        if (!peer.SpeaksMesh) return; // floodsub peers have no control messages
        int entries = control.Ihave.Count + control.Iwant.Count + control.Graft.Count + control.Prune.Count + control.Idontwant.Count;
        if (entries > _state.Options.MaxControlMessagesPerRpc)
        {
            Score?.AddPenalty(peer.Id, 1);
            return;
        }
        var reply = new ControlMessage();
        var iwant = HandleIHave(peer, control);
        if (iwant is not null) reply.Iwant.Add(iwant);
        var messages = HandleIWant(peer, control);
        var prunes = HandleGraft(peer, control);
        if (prunes is not null) reply.Prune.AddRange(prunes);
        HandlePrune(peer, control);
        HandleIDontWant(peer, control);

        if (reply.Iwant.Count > 0 || reply.Prune.Count > 0) peer.Outbound.TrySendControl(new RPC { Control = reply });
        if (messages is not null)
            foreach (var m in messages)
                if (!peer.Outbound.TrySendMessage(m)) { OnSlowPeer(peer); break; }
    }

    private ControlIWant? HandleIHave(PubSubPeer peer, ControlMessage control)
    {
        if (control.Ihave.Count == 0) return null;
        if (ScoreOf(peer.Id) < _t.GossipThreshold) return null;
        if (++peer.IHavesReceived > _o.MaxIHaveMessages) return null;
        if (peer.IdsAsked >= _o.MaxIHaveLength) return null;
        var want = new HashSet<MessageId>();
        foreach (var ihave in control.Ihave)
        {
            if (!_mesh.ContainsKey(ihave.TopicID)) continue;
            foreach (var raw in ihave.MessageIDs)
            {
                if (want.Count >= _o.MaxIHaveLength) break;
                var id = new MessageId(raw.ToByteArray());
                if (!_state.Seen.Contains(id)) want.Add(id);
            }
        }
        if (want.Count == 0) return null;
        int ask = Math.Min(want.Count, _o.MaxIHaveLength - peer.IdsAsked);
        var list = want.ToList();
        _state.Shuffle(list);
        list.RemoveRange(ask, list.Count - ask);
        peer.IdsAsked += ask;
        _promises.Add(peer.Id, list, _state.Random);
        var iwant = new ControlIWant();
        foreach (var id in list) iwant.MessageIDs.Add(UnsafeByteOperations.UnsafeWrap(id.ToArray()));
        return iwant;
    }

    private List<PubSubMessage>? HandleIWant(PubSubPeer peer, ControlMessage control)
    {
        if (control.Iwant.Count == 0) return null;
        if (ScoreOf(peer.Id) < _t.GossipThreshold) return null;
        List<PubSubMessage>? answer = null;
        var sent = new HashSet<MessageId>();
        foreach (var iwant in control.Iwant)
            foreach (var raw in iwant.MessageIDs)
            {
                if (peer.IWantReplies >= _o.MaxIWantRepliesPerHeartbeat) return answer;
                var id = new MessageId(raw.ToByteArray());
                if (!sent.Add(id) || peer.DontWant.ContainsKey(id)) continue;
                if (!_cache.TryGetForPeer(id, peer.Id, out var message, out int count)) continue;
                if (count > _o.GossipRetransmission) continue;
                peer.IWantReplies++;
                (answer ??= []).Add(message);
            }
        return answer;
    }

    private List<ControlPrune>? HandleGraft(PubSubPeer peer, ControlMessage control)
    {
        if (control.Graft.Count == 0) return null;
        double score = ScoreOf(peer.Id);
        bool doPx = _o.DoPeerExchange;
        List<string>? prune = null;
        long now = _state.Time.GetTimestamp();
        foreach (var graft in control.Graft)
        {
            string topic = graft.TopicID;
            if (!_mesh.TryGetValue(topic, out var mesh))
            {
                doPx = false; // an unknown topic: no PRUNE, and no peers leaked
                continue;
            }
            if (mesh.Contains(peer.Id)) continue;
            if (IsDirect(peer.Id))
            {
                (prune ??= []).Add(topic);
                doPx = false;
                continue;
            }
            if (_backoffs.TryGetActive(peer.Id, topic, out long expiry))
            {
                // Grafting during backoff is misbehaviour, doubly so right after our PRUNE (graft flooding).
                Score?.AddPenalty(peer.Id, 1);
                long floodCutoff = expiry + (long)((_o.GraftFloodThreshold - _o.PruneBackoff).TotalSeconds * _state.Time.TimestampFrequency);
                if (now < floodCutoff) Score?.AddPenalty(peer.Id, 1);
                doPx = false;
                _backoffs.Add(peer.Id, topic, _o.PruneBackoff);
                (prune ??= []).Add(topic);
                continue;
            }
            if (score < 0)
            {
                (prune ??= []).Add(topic);
                doPx = false;
                _backoffs.Add(peer.Id, topic, _o.PruneBackoff);
                continue;
            }
            if (mesh.Count >= _o.DHigh && !peer.IsOutbound)
            {
                (prune ??= []).Add(topic);
                _backoffs.Add(peer.Id, topic, _o.PruneBackoff);
                continue;
            }
            mesh.Add(peer.Id);
            Score?.Graft(peer.Id, topic);
        }
        return prune?.Select(t => MakePrune(peer, t, doPx, unsubscribe: false)).ToList();
    }

    private void HandlePrune(PubSubPeer peer, ControlMessage control)
    {
        if (control.Prune.Count == 0) return;
        double score = ScoreOf(peer.Id);
        foreach (var prune in control.Prune)
        {
            string topic = prune.TopicID;
            if (!_mesh.TryGetValue(topic, out var mesh)) continue;
            if (mesh.Remove(peer.Id)) Score?.Prune(peer.Id, topic);
            // The peer's backoff, capped so a PRUNE cannot shut a peer out of our mesh for longer than a day.
            var backoff = prune.Backoff > 0 ? TimeSpan.FromSeconds(Math.Min(prune.Backoff, 86_400UL)) : _o.PruneBackoff;
            _backoffs.Add(peer.Id, topic, backoff);
            if (prune.Peers.Count > 0 && score >= _t.AcceptPxThreshold) ConnectToExchangedPeers(prune.Peers);
        }
    }

    private void ConnectToExchangedPeers(IEnumerable<PeerInfo> exchanged)
    {
        if (_state.ConnectToPeer is not { } connect) return;
        var ids = new List<PeerId>();
        foreach (var info in exchanged)
            if (PeerId.TryFromBytes(info.PeerID.Span, out var id) && id != _state.Self && !_state.Peers.ContainsKey(id)) ids.Add(id);
        _state.Shuffle(ids);
        foreach (var id in ids.Take(_o.PrunePeers)) connect(id);
    }

    private void HandleIDontWant(PubSubPeer peer, ControlMessage control)
    {
        if (control.Idontwant.Count == 0) return;
        if (++peer.IDontWantsReceived > _o.MaxIDontWantMessages) return;
        int taken = 0;
        foreach (var idontwant in control.Idontwant)
            foreach (var raw in idontwant.MessageIDs)
            {
                if (taken++ >= _o.MaxIDontWantLength) return;
                peer.DontWant[new MessageId(raw.ToByteArray())] = _o.IDontWantTtlHeartbeats;
            }
    }

    /// <summary>v1.2: a large message seen for the first time is announced to our mesh peers so they do not send it too.</summary>
    private void SendIDontWant(PubSubMessage message)
    {
        if (message.Data.Length < _o.IDontWantMessageThreshold) return;
        if (!_mesh.TryGetValue(message.Topic, out var mesh)) return;
        RPC? rpc = null;
        foreach (var id in mesh)
        {
            if (id == message.ReceivedFrom || id == message.From) continue;
            if (!_state.Peers.TryGetValue(id, out var peer) || !PubSubProtocols.SupportsIDontWant(peer.Protocol)) continue;
            rpc ??= new RPC { Control = new ControlMessage { Idontwant = { new ControlIDontWant { MessageIDs = { UnsafeByteOperations.UnsafeWrap(message.Id.ToArray()) } } } } };
            peer.Outbound.TrySendControl(rpc);
        }
    }
}
