using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.PubSub.Routing;
using Libp2p.PubSub.Scoring;
using Microsoft.Extensions.Logging;

namespace Libp2p.PubSub;

/// <summary>
/// Publish/subscribe on a <see cref="Libp2pHost"/>: floodsub or gossipsub v1.2 (with v1.1 scoring), one long-lived
/// stream each way per peer, started on every connection. <see cref="SubscribeAsync"/> gives the messages of a topic;
/// <see cref="PublishAsync"/> sends one. Built only on the host's public API; no thread of its own (the heartbeat is
/// a timer on the host's clock).
/// </summary>
public sealed partial class PubSub : IAsyncDisposable
{
    private readonly Libp2pHost _host;
    private readonly PubSubOptions _options;
    private readonly Lock _gate = new();
    private readonly RouterState _state;
    private readonly IPubSubRouter _router;
    private readonly MessageIdFunction _messageId;
    private readonly Dictionary<string, List<Subscription>> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MessageValidator[]> _validators = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ILogger _log;
    private int _disposed;

    /// <summary>Starts pubsub on <paramref name="host"/>: serves the router's protocols and opens a pubsub stream on every connection to a peer that speaks one.</summary>
    /// <param name="host">The host to run on (its handlers, connections and peer store).</param>
    /// <param name="options">The router, signature policy, parameters and limits (defaults when null).</param>
    public PubSub(Libp2pHost host, PubSubOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        _options = options ?? new PubSubOptions();
        _options.Validate();
        _log = host.Options.LoggerFactory.CreateLogger("Libp2p.PubSub");
        _state = new RouterState(host.PeerId, _options, host.TimeProvider) { ConnectToPeer = ConnectToExchangedPeer };
        _router = _options.Router == PubSubRouterKind.GossipSub ? new GossipSubRouter(_state) : new FloodSubRouter(_state);
        _messageId = _options.MessageId ?? (_options.SignaturePolicy == SignaturePolicy.StrictSign
            ? MessageIdFunctions.FromAndSeqno : MessageIdFunctions.ContentHash);
        _seqno = (ulong)host.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000UL;

        foreach (var protocol in _router.Protocols)
            host.SetHandler(protocol, HandleInboundAsync, maxInboundStreamsPerConnection: 2);
        host.ConnectionOpened += OnConnectionOpened;
        host.ConnectionClosed += OnConnectionClosed;
        foreach (var connection in host.Connections) OnConnectionOpened(connection);
        _ = HeartbeatLoopAsync();
    }

    /// <summary>The host this node runs on.</summary>
    public Libp2pHost Host => _host;

    /// <summary>The router in use.</summary>
    public PubSubRouterKind Router => _options.Router;

    /// <summary>The options the node was created with.</summary>
    public PubSubOptions Options => _options;

    /// <summary>A peer subscribed to or left a topic (raised synchronously; keep handlers short).</summary>
    public event Action<SubscriptionChange>? SubscriptionChanged;

    /// <summary>Counters for diagnostics and the benchmark.</summary>
    public PubSubStats Stats { get; } = new();

    /// <summary>Topics we subscribe to.</summary>
    public IReadOnlyList<string> Topics
    {
        get { lock (_gate) return [.. _state.MySubscriptions]; }
    }

    /// <summary>Peers speaking pubsub with us; with <paramref name="topic"/>, those subscribed to it.</summary>
    public IReadOnlyList<PeerId> GetPeers(string? topic = null)
    {
        lock (_gate)
        {
            if (topic is null) return [.. _state.Peers.Keys];
            return _state.TopicPeers.TryGetValue(topic, out var peers) ? [.. peers] : [];
        }
    }

    /// <summary>The protocol a peer speaks with us, or null.</summary>
    public string? GetProtocol(PeerId peer)
    {
        lock (_gate) return _state.Peers.TryGetValue(peer, out var p) ? p.Protocol : null;
    }

    /// <summary>Our gossipsub mesh in <paramref name="topic"/> (empty for floodsub).</summary>
    public IReadOnlyList<PeerId> GetMeshPeers(string topic)
    {
        lock (_gate) return _router is GossipSubRouter g ? [.. g.MeshPeers(topic)] : [];
    }

    /// <summary>The fanout peers of a topic we publish to without subscribing.</summary>
    public IReadOnlyList<PeerId> GetFanoutPeers(string topic)
    {
        lock (_gate) return _router is GossipSubRouter g ? [.. g.FanoutPeers(topic)] : [];
    }

    /// <summary>A peer's score (0 without scoring or for an unknown peer).</summary>
    public double GetScore(PeerId peer)
    {
        lock (_gate) return _state.ScoreOf(peer);
    }

    /// <summary>The score thresholds in force.</summary>
    public PeerScoreThresholds Thresholds => _options.Thresholds;

    /// <summary>
    /// Validates every message of <paramref name="topic"/> (received or published) with <paramref name="validator"/>,
    /// in addition to the validators added before.
    /// </summary>
    public void AddValidator(string topic, MessageValidator validator)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(validator);
        lock (_gate)
            _validators[topic] = _validators.TryGetValue(topic, out var existing) ? [.. existing, validator] : [validator];
    }

    /// <summary>Stops validating <paramref name="topic"/> with <paramref name="validator"/>; false when it was not added.</summary>
    public bool RemoveValidator(string topic, MessageValidator validator)
    {
        lock (_gate)
        {
            if (!_validators.TryGetValue(topic, out var existing) || !existing.Contains(validator)) return false;
            var rest = existing.Where(v => v != validator).ToArray();
            if (rest.Length == 0) _validators.Remove(topic);
            else _validators[topic] = rest;
            return true;
        }
    }

    /// <summary>
    /// Subscribes to <paramref name="topic"/>: the first subscription tells every peer and joins the topic's mesh.
    /// Enumerate the result for the messages; dispose it to leave.
    /// </summary>
    public ValueTask<Subscription> SubscribeAsync(string topic, CancellationToken cancellationToken = default)
    {
        CheckTopic(topic);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var subscription = new Subscription(this, topic, _options.SubscriptionBufferSize);
        lock (_gate)
        {
            if (!_subscriptions.TryGetValue(topic, out var list)) _subscriptions[topic] = list = [];
            list.Add(subscription);
            if (list.Count == 1 && _state.MySubscriptions.Add(topic))
            {
                Announce(topic, subscribe: true);
                _router.Join(topic);
            }
        }
        return ValueTask.FromResult(subscription);
    }

    internal void Unsubscribe(Subscription subscription)
    {
        lock (_gate)
        {
            if (!_subscriptions.TryGetValue(subscription.Topic, out var list) || !list.Remove(subscription) || list.Count > 0) return;
            _subscriptions.Remove(subscription.Topic);
            _state.MySubscriptions.Remove(subscription.Topic);
            if (_disposed != 0) return;
            _router.Leave(subscription.Topic);
            Announce(subscription.Topic, subscribe: false);
        }
    }

    private void Announce(string topic, bool subscribe)
    {
        var rpc = new Pb.RPC { Subscriptions = { new Pb.RPC.Types.SubOpts { Subscribe = subscribe, Topicid = topic } } };
        foreach (var peer in _state.Peers.Values) peer.Outbound.TrySendControl(rpc);
    }

    private void CheckTopic(string topic)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (System.Text.Encoding.UTF8.GetByteCount(topic) > _options.MaxTopicLength)
            throw new ArgumentException($"The topic is longer than {_options.MaxTopicLength} bytes.", nameof(topic));
    }

    private async Task HeartbeatLoopAsync()
    {
        var time = _host.TimeProvider;
        var ct = _shutdown.Token;
        try
        {
            await Task.Delay(_options.GossipSub.HeartbeatInitialDelay, time, ct).ConfigureAwait(false);
            long lastDecay = time.GetTimestamp();
            var decay = _options.Score?.DecayInterval ?? TimeSpan.MaxValue;
            while (!ct.IsCancellationRequested)
            {
                lock (_gate)
                {
                    _router.Heartbeat();
                    _state.Seen.Sweep();
                    while (_state.Score is { } score && time.GetElapsedTime(lastDecay) >= decay)
                    {
                        score.Refresh();
                        lastDecay += (long)(decay.TotalSeconds * time.TimestampFrequency);
                    }
                }
                Stats.Heartbeats++;
                await Task.Delay(_options.GossipSub.HeartbeatInterval, time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            _log.LogError(e, "pubsub heartbeat failed; the router stops maintaining its meshes");
        }
    }

    /// <summary>
    /// Waits until every peer's outbound queue is empty (what we published has been handed to the streams), checking
    /// every 10 ms of the host's clock. For tools that publish and exit.
    /// </summary>
    public async Task WaitForOutboundAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            bool empty;
            lock (_gate) empty = _links.Values.All(l => l.Queue.IsEmpty || l.Outbound is null);
            if (empty) return;
            await Task.Delay(TimeSpan.FromMilliseconds(10), _host.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Leaves every topic, closes every pubsub stream (gracefully, within the host's CloseTimeout) and stops the heartbeat. The host stays up.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _host.ConnectionOpened -= OnConnectionOpened;
        _host.ConnectionClosed -= OnConnectionClosed;
        foreach (var protocol in _router.Protocols) _host.RemoveHandler(protocol);
        List<Subscription> subscriptions;
        lock (_gate)
        {
            foreach (var topic in _state.MySubscriptions.ToList()) _router.Leave(topic);
            subscriptions = [.. _subscriptions.Values.SelectMany(s => s)];
            _subscriptions.Clear();
            _state.MySubscriptions.Clear();
        }
        foreach (var s in subscriptions) s.Complete();
        _shutdown.Cancel();
        List<PeerLink> links;
        lock (_gate) links = [.. _links.Values];
        foreach (var link in links) link.Complete();
        // The outbound streams end gracefully (bounded by the host's CloseTimeout), so what we sent last arrives.
        try { await Task.WhenAll(OutboundTasks()).WaitAsync(_host.Options.CloseTimeout + TimeSpan.FromSeconds(1), _host.TimeProvider).ConfigureAwait(false); }
        catch (TimeoutException) { }
    }
}

/// <summary>What a pubsub node has done so far.</summary>
public sealed class PubSubStats
{
    /// <summary>Heartbeats run.</summary>
    public long Heartbeats;
    /// <summary>Messages received from peers (duplicates included).</summary>
    public long MessagesReceived;
    /// <summary>Received messages that passed validation (delivered to our subscriptions and forwarded).</summary>
    public long MessagesDelivered;
    /// <summary>Received messages dropped as already seen.</summary>
    public long Duplicates;
    /// <summary>Messages a validator or the signature check rejected.</summary>
    public long Rejected;
    /// <summary>Messages a validator ignored, or that validation throttled or timed out.</summary>
    public long Ignored;
    /// <summary>RPCs dropped because their sender's score is below the graylist threshold.</summary>
    public long Graylisted;
    /// <summary>Messages we published.</summary>
    public long Published;
    /// <summary>Peer streams reset for breaking the protocol.</summary>
    public long ProtocolErrors;

    /// <summary>Bytes written to all peers' pubsub streams.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);
    internal long _bytesSent;
}
