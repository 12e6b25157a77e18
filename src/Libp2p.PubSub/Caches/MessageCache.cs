using Libp2p.Host.Resources;
using Libp2p.Identity;

namespace Libp2p.PubSub.Caches;

/// <summary>
/// gossipsub's message cache (mcache): the messages of the last <c>historyLength</c> heartbeats, answering IWANT;
/// the ids of the last <c>historyGossip</c> heartbeats are what IHAVE advertises. <see cref="Shift"/> runs once per
/// heartbeat. Also counts how often each peer asked for each message (go's <c>GetForPeer</c>) so IWANT spam is
/// bounded by <c>GossipRetransmission</c>. Each message's bytes are reserved in <c>memory</c> (pubsub's service
/// scope) while it is cached: one that does not fit is not cached (<see cref="Put"/> says false). Not thread-safe.
/// </summary>
internal sealed class MessageCache
{
    private readonly List<List<(MessageId Id, string Topic)>> _windows = [];
    private readonly Dictionary<MessageId, Entry> _messages = new();
    private readonly int _gossip;
    private readonly IResourceScope? _memory;

    public MessageCache(int historyGossip, int historyLength, IResourceScope? memory = null)
    {
        _memory = memory;
        ArgumentOutOfRangeException.ThrowIfLessThan(historyLength, 1);
        if (historyGossip > historyLength) throw new ArgumentOutOfRangeException(nameof(historyGossip), "HistoryGossip must not exceed HistoryLength.");
        _gossip = historyGossip;
        for (int i = 0; i < historyLength; i++) _windows.Add([]);
    }

    public int Count => _messages.Count;

    /// <summary>Bytes reserved for the messages cached now.</summary>
    public long ReservedMemory { get; private set; }

    /// <summary>Caches the message (true), or refuses it when its memory is refused (false); one cached already is true.</summary>
    public bool Put(PubSubMessage message)
    {
        if (_messages.ContainsKey(message.Id)) return true;
        long cost = message.MemoryCost;
        if (_memory is not null && !_memory.TryReserveMemory(cost)) return false;
        ReservedMemory += cost;
        _messages.Add(message.Id, new Entry(message));
        _windows[0].Add((message.Id, message.Topic));
        return true;
    }

    public bool TryGet(MessageId id, out PubSubMessage message)
    {
        if (_messages.TryGetValue(id, out var e)) { message = e.Message; return true; }
        message = null!;
        return false;
    }

    /// <summary>The message and how many times <paramref name="peer"/> asked for it, this request included.</summary>
    public bool TryGetForPeer(MessageId id, PeerId peer, out PubSubMessage message, out int count)
    {
        if (!_messages.TryGetValue(id, out var e)) { message = null!; count = 0; return false; }
        e.Requests ??= new Dictionary<PeerId, int>();
        e.Requests.TryGetValue(peer, out count);
        e.Requests[peer] = ++count;
        message = e.Message;
        return true;
    }

    /// <summary>Ids in <paramref name="topic"/> from the gossip windows (newest first).</summary>
    public List<MessageId> GetGossipIds(string topic)
    {
        var ids = new List<MessageId>();
        for (int i = 0; i < _gossip; i++)
            foreach (var (id, t) in _windows[i])
                if (t == topic) ids.Add(id);
        return ids;
    }

    /// <summary>Drops the oldest window and opens a new one.</summary>
    public void Shift()
    {
        var oldest = _windows[^1];
        foreach (var (id, _) in oldest) Drop(id);
        _windows.RemoveAt(_windows.Count - 1);
        oldest.Clear();
        _windows.Insert(0, oldest);
    }

    /// <summary>Drops every message (the node is disposed): their memory returns.</summary>
    public void Clear()
    {
        foreach (var window in _windows)
        {
            foreach (var (id, _) in window) Drop(id);
            window.Clear();
        }
    }

    private void Drop(MessageId id)
    {
        if (!_messages.Remove(id, out var e)) return;
        long cost = e.Message.MemoryCost;
        ReservedMemory -= cost;
        _memory?.ReleaseMemory(cost);
    }

    private sealed class Entry(PubSubMessage message)
    {
        public readonly PubSubMessage Message = message;
        public Dictionary<PeerId, int>? Requests;
    }
}
