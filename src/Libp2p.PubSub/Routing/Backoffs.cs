using Libp2p.Identity;

namespace Libp2p.PubSub.Routing;

/// <summary>
/// PRUNE backoff per topic and peer (gossipsub v1.1): no GRAFT either way until it expires. Expired entries are
/// cleared every few heartbeats with a slack of two heartbeats, as go-libp2p-pubsub does, so a GRAFT that arrives
/// just after the peer's own clock expired is not penalized.
/// </summary>
internal sealed class Backoffs(TimeProvider time)
{
    private readonly Dictionary<string, Dictionary<PeerId, long>> _byTopic = new(StringComparer.Ordinal);

    public void Add(PeerId peer, string topic, TimeSpan duration)
    {
        long expiry = time.GetTimestamp() + (long)(duration.TotalSeconds * time.TimestampFrequency);
        if (!_byTopic.TryGetValue(topic, out var peers)) _byTopic[topic] = peers = new();
        if (!peers.TryGetValue(peer, out long old) || old < expiry) peers[peer] = expiry;
    }

    /// <summary>Whether the peer is in backoff for the topic (an entry exists, expired or not, until cleared).</summary>
    public bool Contains(PeerId peer, string topic) => _byTopic.TryGetValue(topic, out var peers) && peers.ContainsKey(peer);

    /// <summary>The expiry when the backoff is still running.</summary>
    public bool TryGetActive(PeerId peer, string topic, out long expiry)
    {
        expiry = 0;
        return _byTopic.TryGetValue(topic, out var peers) && peers.TryGetValue(peer, out expiry) && time.GetTimestamp() < expiry;
    }

    public void Clear(TimeSpan slack)
    {
        long now = time.GetTimestamp() - (long)(slack.TotalSeconds * time.TimestampFrequency);
        List<string>? emptyTopics = null;
        foreach (var (topic, peers) in _byTopic)
        {
            List<PeerId>? expired = null;
            foreach (var (peer, expiry) in peers) if (expiry < now) (expired ??= []).Add(peer);
            if (expired is not null) foreach (var p in expired) peers.Remove(p);
            if (peers.Count == 0) (emptyTopics ??= []).Add(topic);
        }
        if (emptyTopics is not null) foreach (var t in emptyTopics) _byTopic.Remove(t);
    }
}
