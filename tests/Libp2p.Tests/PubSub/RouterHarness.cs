using Google.Protobuf;
using Libp2p.Identity;
using Libp2p.PubSub;
using Libp2p.PubSub.Pb;
using Libp2p.PubSub.Routing;
using Libp2p.PubSub.Scoring;
using Microsoft.Extensions.Time.Testing;

namespace Libp2p.Tests.PubSub;

/// <summary>
/// A gossipsub router driven directly on a fake clock: peers are ids with recording outbound queues, RPCs are fed in
/// by hand, and what the router sends is read back per peer.
/// </summary>
internal sealed class RouterHarness
{
    public readonly FakeTimeProvider Time = new(DateTimeOffset.UnixEpoch + TimeSpan.FromDays(20000));
    public readonly PubSubOptions Options;
    public readonly RouterState State;
    public readonly GossipSubRouter Router;
    public readonly List<PeerId> Connected = [];

    public RouterHarness(Action<PubSubOptions>? configure = null, int seed = 7)
    {
        Options = new PubSubOptions { Random = new Random(seed) };
        configure?.Invoke(Options);
        Options.Validate();
        State = new RouterState(PrivateKey.Generate().ToPeerId(), Options, Time);
        Router = new GossipSubRouter(State);
    }

    public PeerScore Score => State.Score!;

    /// <summary>Adds a peer speaking <paramref name="protocol"/>, subscribed to <paramref name="topics"/>.</summary>
    public PeerId AddPeer(string protocol = PubSubProtocols.MeshSubV12, bool outbound = false, string[]? topics = null, System.Net.IPAddress? ip = null)
    {
        var id = PrivateKey.Generate().ToPeerId();
        var peer = new PubSubPeer(id, protocol, outbound, ip, new RecordingOutbound());
        State.Peers[id] = peer;
        Router.AddPeer(peer);
        foreach (var t in topics ?? [])
        {
            peer.Topics.Add(t);
            if (!State.TopicPeers.TryGetValue(t, out var set)) State.TopicPeers[t] = set = [];
            set.Add(id);
        }
        Connected.Add(id);
        return id;
    }

    public PeerId[] AddPeers(int n, string topic, bool outbound = false) =>
        [.. Enumerable.Range(0, n).Select(_ => AddPeer(outbound: outbound, topics: [topic]))];

    public void Subscribe(string topic)
    {
        State.MySubscriptions.Add(topic);
        if (!State.TopicPeers.ContainsKey(topic)) State.TopicPeers[topic] = [];
        Router.Join(topic);
    }

    public RecordingOutbound Out(PeerId peer) => (RecordingOutbound)State.Peers[peer].Outbound;

    public PubSubPeer Peer(PeerId peer) => State.Peers[peer];

    public void Control(PeerId from, ControlMessage control) => Router.HandleControl(State.Peers[from], control);

    public static ControlMessage Graft(string topic) => new() { Graft = { new ControlGraft { TopicID = topic } } };
    public static ControlMessage Prune(string topic, ulong backoffSeconds = 0)
    {
        var p = new ControlPrune { TopicID = topic };
        if (backoffSeconds > 0) p.Backoff = backoffSeconds;
        return new ControlMessage { Prune = { p } };
    }
    public static ControlMessage IHave(string topic, params MessageId[] ids) =>
        new() { Ihave = { new ControlIHave { TopicID = topic, MessageIDs = { ids.Select(i => ByteString.CopyFrom(i.Bytes)) } } } };
    public static ControlMessage IWant(params MessageId[] ids) =>
        new() { Iwant = { new ControlIWant { MessageIDs = { ids.Select(i => ByteString.CopyFrom(i.Bytes)) } } } };
    public static ControlMessage IDontWant(params MessageId[] ids) =>
        new() { Idontwant = { new ControlIDontWant { MessageIDs = { ids.Select(i => ByteString.CopyFrom(i.Bytes)) } } } };

    private int _next;

    /// <summary>A message in <paramref name="topic"/> that <paramref name="receivedFrom"/> (or we) handed over.</summary>
    public PubSubMessage Message(string topic, PeerId? receivedFrom = null, int size = 16)
    {
        int n = Interlocked.Increment(ref _next);
        var data = new byte[size];
        BitConverter.TryWriteBytes(data, n);
        var wire = new Message { Topic = topic, Data = ByteString.CopyFrom(data) };
        var m = new PubSubMessage(topic, data, null, null, null, null, receivedFrom ?? State.Self, wire.ToByteArray());
        m.Id = new MessageId(BitConverter.GetBytes(n));
        return m;
    }

    /// <summary>Runs the heartbeat <paramref name="n"/> times, advancing the clock by one interval before each.</summary>
    public void Heartbeats(int n = 1)
    {
        for (int i = 0; i < n; i++)
        {
            Time.Advance(Options.GossipSub.HeartbeatInterval);
            Router.Heartbeat();
        }
    }
}

/// <summary>Records what a router sends one peer; can pretend the peer stopped reading.</summary>
internal sealed class RecordingOutbound : IPeerOutbound
{
    public readonly List<RPC> Control = [];
    public readonly List<PubSubMessage> Messages = [];
    public bool Full;

    public bool TrySendControl(RPC rpc)
    {
        Control.Add(rpc.Clone());
        return true;
    }

    public bool TrySendMessage(PubSubMessage message)
    {
        if (Full) return false;
        Messages.Add(message);
        return true;
    }

    public IEnumerable<ControlGraft> Grafts => Control.Where(r => r.Control is not null).SelectMany(r => r.Control.Graft);
    public IEnumerable<ControlPrune> Prunes => Control.Where(r => r.Control is not null).SelectMany(r => r.Control.Prune);
    public IEnumerable<ControlIHave> IHaves => Control.Where(r => r.Control is not null).SelectMany(r => r.Control.Ihave);
    public IEnumerable<ControlIWant> IWants => Control.Where(r => r.Control is not null).SelectMany(r => r.Control.Iwant);
    public IEnumerable<ControlIDontWant> IDontWants => Control.Where(r => r.Control is not null).SelectMany(r => r.Control.Idontwant);

    public void Clear()
    {
        Control.Clear();
        Messages.Clear();
    }
}
