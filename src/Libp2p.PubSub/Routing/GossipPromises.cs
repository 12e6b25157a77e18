using Libp2p.Identity;

namespace Libp2p.PubSub.Routing;

/// <summary>
/// IWANT follow-up tracking (gossipsub v1.1 "Spam Protection Measures"): for each IWANT we send after an IHAVE, one
/// random id of it is a promise; if no valid copy arrives within the follow-up time, the advertiser broke it and
/// earns a behaviour penalty (go-libp2p-pubsub gossip_tracer.go). Bounded by the ids we ask for per heartbeat.
/// </summary>
internal sealed class GossipPromises(TimeProvider time, TimeSpan followUp)
{
    private readonly Dictionary<MessageId, Dictionary<PeerId, long>> _promises = new();
    private readonly long _followUpTicks = (long)(followUp.TotalSeconds * time.TimestampFrequency);

    public int Count => _promises.Count;

    public void Add(PeerId peer, IReadOnlyList<MessageId> ids, Random random)
    {
        if (ids.Count == 0) return;
        var id = ids[random.Next(ids.Count)];
        if (!_promises.TryGetValue(id, out var byPeer)) _promises[id] = byPeer = new();
        byPeer.TryAdd(peer, time.GetTimestamp() + _followUpTicks);
    }

    /// <summary>A valid (or validly rejected) copy arrived: every promise for it is kept.</summary>
    public void Fulfill(MessageId id) => _promises.Remove(id);

    /// <summary>Promises past their time, counted per peer, and forgotten.</summary>
    public Dictionary<PeerId, int> TakeBroken()
    {
        var broken = new Dictionary<PeerId, int>();
        long now = time.GetTimestamp();
        List<MessageId>? empty = null;
        foreach (var (id, byPeer) in _promises)
        {
            List<PeerId>? late = null;
            foreach (var (peer, expiry) in byPeer)
                if (expiry <= now) (late ??= []).Add(peer);
            if (late is null) continue;
            foreach (var peer in late)
            {
                byPeer.Remove(peer);
                broken[peer] = broken.GetValueOrDefault(peer) + 1;
            }
            if (byPeer.Count == 0) (empty ??= []).Add(id);
        }
        if (empty is not null) foreach (var id in empty) _promises.Remove(id);
        return broken;
    }
}
