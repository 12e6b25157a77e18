using Google.Protobuf;
using Libp2p.Identity;
using Libp2p.PubSub.Caches;
using Libp2p.PubSub.Pb;
using Libp2p.PubSub.Scoring;

namespace Libp2p.PubSub.Routing;

/// <summary>
/// gossipsub v1.0–v1.2 (libp2p/specs pubsub/gossipsub): a mesh of about D peers per topic that carries full messages,
/// gossip (IHAVE/IWANT) with the peers outside it, fanout for topics we publish to without subscribing, GRAFT/PRUNE
/// with backoff and peer exchange, flood publishing, opportunistic grafting, IDONTWANT, and peer scoring.
/// Behaviour follows go-libp2p-pubsub's gossipsub.go; floodsub peers get every message of their topics.
/// </summary>
internal sealed partial class GossipSubRouter : IPubSubRouter
{
    private readonly RouterState _state;
    private readonly GossipSubOptions _o;
    private readonly PeerScoreThresholds _t;
    private readonly MessageCache _cache;
    private readonly Backoffs _backoffs;
    private readonly GossipPromises _promises;

    /// <summary>Our mesh per topic we joined.</summary>
    private readonly Dictionary<string, HashSet<PeerId>> _mesh = new(StringComparer.Ordinal);
    /// <summary>Peers we publish to in topics we did not join, and when we last published there.</summary>
    private readonly Dictionary<string, HashSet<PeerId>> _fanout = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastPublished = new(StringComparer.Ordinal);
    /// <summary>IHAVEs to send at the end of the heartbeat, per peer.</summary>
    private readonly Dictionary<PeerId, List<ControlIHave>> _pendingGossip = new();
    private long _heartbeatTicks;

    public GossipSubRouter(RouterState state)
    {
        _state = state;
        _o = state.Options.GossipSub;
        _t = state.Options.Thresholds;
        _cache = new MessageCache(_o.HistoryGossip, _o.HistoryLength, state.Memory);
        _backoffs = new Backoffs(state.Time);
        _promises = new GossipPromises(state.Time, _o.IWantFollowupTime);
    }

    public IReadOnlyList<string> Protocols => PubSubProtocols.GossipSub;

    private PeerScore? Score => _state.Score;
    private double ScoreOf(PeerId p) => _state.ScoreOf(p);
    private bool IsDirect(PeerId p) => _o.DirectPeers.Contains(p);

    // For tests and the node's diagnostics.
    internal IReadOnlyCollection<PeerId> MeshPeers(string topic) => _mesh.TryGetValue(topic, out var m) ? m : [];
    internal IReadOnlyCollection<PeerId> FanoutPeers(string topic) => _fanout.TryGetValue(topic, out var f) ? f : [];
    internal bool InBackoff(PeerId peer, string topic) => _backoffs.TryGetActive(peer, topic, out _);
    internal MessageCache Cache => _cache;
    internal int PendingPromises => _promises.Count;

    public void AddPeer(PubSubPeer peer) => Score?.AddPeer(peer.Id, peer.Ip);

    public void RemovePeer(PubSubPeer peer)
    {
        foreach (var peers in _mesh.Values) peers.Remove(peer.Id);
        foreach (var peers in _fanout.Values) peers.Remove(peer.Id);
        _pendingGossip.Remove(peer.Id);
        Score?.RemovePeer(peer.Id);
    }

    public void OnPeerUnsubscribed(PubSubPeer peer, string topic)
    {
        if (_mesh.TryGetValue(topic, out var mesh) && mesh.Remove(peer.Id)) Score?.Prune(peer.Id, topic);
        if (_fanout.TryGetValue(topic, out var fanout)) fanout.Remove(peer.Id);
    }

    public bool AcceptFrom(PubSubPeer peer) => IsDirect(peer.Id) || ScoreOf(peer.Id) >= _t.GraylistThreshold;

    public void OnValidating(PubSubMessage message)
    {
        Score?.ValidateMessage(message);
        SendIDontWant(message);
    }

    public void OnDuplicate(PubSubPeer from, string topic, MessageId id) => Score?.DuplicateMessage(from.Id, topic, id);

    public bool OnDelivered(PubSubMessage message)
    {
        _promises.Fulfill(message.Id);
        Score?.DeliverMessage(message);
        return Publish(message);
    }

    public void OnRejected(PubSubMessage message, RejectReason reason)
    {
        // A rejected message still keeps promises (its penalty is P4), except one that is obviously invalid.
        if (reason != RejectReason.InvalidSignature) _promises.Fulfill(message.Id);
        Score?.RejectMessage(message, reason);
    }

    public void Clear() => _cache.Clear();

    public bool Publish(PubSubMessage message)
    {
        // Cached first (IWANT answers come from here): a message the node cannot hold is neither cached nor sent.
        if (!_cache.Put(message)) return false;
        string topic = message.Topic;
        if (!_state.TopicPeers.TryGetValue(topic, out var topicPeers) || topicPeers.Count == 0) return true;
        var to = new HashSet<PeerId>();
        bool own = message.ReceivedFrom == _state.Self;
        if (own && _o.FloodPublish)
        {
            foreach (var p in topicPeers)
                if (IsDirect(p) || ScoreOf(p) >= _t.PublishThreshold) to.Add(p);
        }
        else
        {
            foreach (var p in topicPeers)
            {
                if (IsDirect(p)) { to.Add(p); continue; }
                if (_state.Peers.TryGetValue(p, out var peer) && !peer.SpeaksMesh && ScoreOf(p) >= _t.PublishThreshold) to.Add(p);
            }
            if (!_mesh.TryGetValue(topic, out var targets))
            {
                if (!_fanout.TryGetValue(topic, out targets) || targets.Count == 0)
                {
                    var picked = PickPeers(topic, _o.D, p => !IsDirect(p.Id) && ScoreOf(p.Id) >= _t.PublishThreshold);
                    if (picked.Count > 0) _fanout[topic] = targets = [.. picked.Select(p => p.Id)];
                }
                _lastPublished[topic] = _state.Time.GetTimestamp();
            }
            if (targets is not null) to.UnionWith(targets);
        }
        foreach (var id in to)
        {
            if (id == message.ReceivedFrom || id == message.From) continue;
            if (!_state.Peers.TryGetValue(id, out var peer)) continue;
            if (peer.DontWant.ContainsKey(message.Id)) continue;
            if (!peer.Outbound.TrySendMessage(message)) OnSlowPeer(peer);
        }
        return true;
    }

    public void Join(string topic)
    {
        if (_mesh.ContainsKey(topic)) return;
        HashSet<PeerId> mesh;
        if (_fanout.Remove(topic, out var fanout))
        {
            _lastPublished.Remove(topic);
            fanout.RemoveWhere(p => ScoreOf(p) < 0 || _backoffs.Contains(p, topic));
            mesh = fanout;
            if (mesh.Count < _o.D)
                foreach (var p in PickPeers(topic, _o.D - mesh.Count, p => !mesh.Contains(p.Id) && !IsDirect(p.Id) && !_backoffs.Contains(p.Id, topic) && ScoreOf(p.Id) >= 0))
                    mesh.Add(p.Id);
        }
        else
        {
            mesh = [.. PickPeers(topic, _o.D, p => !IsDirect(p.Id) && !_backoffs.Contains(p.Id, topic) && ScoreOf(p.Id) >= 0).Select(p => p.Id)];
        }
        _mesh[topic] = mesh;
        foreach (var p in mesh)
        {
            Score?.Graft(p, topic);
            SendControl(p, new ControlMessage { Graft = { new ControlGraft { TopicID = topic } } });
        }
    }

    public void Leave(string topic)
    {
        if (!_mesh.Remove(topic, out var mesh)) return;
        foreach (var p in mesh)
        {
            Score?.Prune(p, topic);
            if (_state.Peers.TryGetValue(p, out var peer))
                SendControl(p, new ControlMessage { Prune = { MakePrune(peer, topic, _o.DoPeerExchange, unsubscribe: true) } });
            _backoffs.Add(p, topic, _o.UnsubscribeBackoff);
        }
    }

    public void OnSlowPeer(PubSubPeer peer)
    {
        // A peer that does not read its messages leaves every mesh at once (with a PRUNE on the control lane) and
        // stays out for the backoff; it still gets gossip, which costs little.
        foreach (var (topic, mesh) in _mesh)
        {
            if (!mesh.Remove(peer.Id)) continue;
            Score?.Prune(peer.Id, topic);
            _backoffs.Add(peer.Id, topic, _o.PruneBackoff);
            SendControl(peer.Id, new ControlMessage { Prune = { MakePrune(peer, topic, doPx: false, unsubscribe: false) } });
        }
        foreach (var fanout in _fanout.Values) fanout.Remove(peer.Id);
    }

    /// <summary>Up to <paramref name="count"/> random mesh-capable peers subscribed to <paramref name="topic"/> that pass <paramref name="filter"/>.</summary>
    private List<PubSubPeer> PickPeers(string topic, int count, Func<PubSubPeer, bool> filter)
    {
        var candidates = new List<PubSubPeer>();
        foreach (var p in _state.PeersIn(topic))
            if (p.SpeaksMesh && filter(p)) candidates.Add(p);
        _state.Shuffle(candidates);
        if (count >= 0 && candidates.Count > count) candidates.RemoveRange(count, candidates.Count - count);
        return candidates;
    }

    private ControlPrune MakePrune(PubSubPeer peer, string topic, bool doPx, bool unsubscribe)
    {
        var prune = new ControlPrune { TopicID = topic };
        if (!PubSubProtocols.SupportsPeerExchange(peer.Protocol)) return prune; // v1.0 cannot parse the rest
        prune.Backoff = (ulong)(unsubscribe ? _o.UnsubscribeBackoff : _o.PruneBackoff).TotalSeconds;
        if (doPx)
        {
            // Peer ids only: we hold no signed peer records; the pruned peer looks the addresses up itself (allowed by v1.1).
            foreach (var p in PickPeers(topic, _o.PrunePeers, p => p.Id != peer.Id && ScoreOf(p.Id) >= 0))
                prune.Peers.Add(new PeerInfo { PeerID = UnsafeByteOperations.UnsafeWrap(p.Id.ToBytes()) });
        }
        return prune;
    }

    private void SendControl(PeerId peer, ControlMessage control)
    {
        if (_state.Peers.TryGetValue(peer, out var p)) p.Outbound.TrySendControl(new RPC { Control = control });
    }
}
