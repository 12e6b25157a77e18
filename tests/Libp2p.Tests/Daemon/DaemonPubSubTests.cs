using Google.Protobuf;
using Libp2p.Daemon;
using Libp2p.Daemon.Control;
using Libp2p.Daemon.Pb;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.PubSub;
using Libp2p.Tests.Host;
using WireMessage = Libp2p.PubSub.Pb.Message;

namespace Libp2p.Tests.Daemon;

/// <summary>
/// The PUBSUB request family: the bytes @libp2p/daemon-client writes and reads, and every request against a daemon
/// whose host runs a real router, with a second real host (its own router) over loopback TCP.
/// </summary>
public class DaemonPubSubTests
{
    private const string Topic = "test-topic";

    private static Request PubSub(PSRequest ps) => new() { Type = Request.Types.Type.Pubsub, Pubsub = ps };

    private static Request GetTopics() => PubSub(new PSRequest { Type = PSRequest.Types.Type.GetTopics });

    private static Request ListPeers(string topic) => PubSub(new PSRequest { Type = PSRequest.Types.Type.ListPeers, Topic = topic });

    private static Request Subscribe(string topic) => PubSub(new PSRequest { Type = PSRequest.Types.Type.Subscribe, Topic = topic });

    private static Request Publish(string topic, byte[] data) =>
        PubSub(new PSRequest { Type = PSRequest.Types.Type.Publish, Topic = topic, Data = ByteString.CopyFrom(data) });

    private static void AssertOk(Response response) =>
        Assert.True(response.Type == Response.Types.Type.Ok, $"expected OK, got {response.Type}: {response.Error?.Msg}");

    private static void AssertError(Response response, string contains)
    {
        Assert.Equal(Response.Types.Type.Error, response.Type);
        Assert.Contains(contains, response.Error.Msg);
    }

    // --- the codec: what @libp2p/daemon-protocol 8.0.4 writes (Request.encode in Node) and what the client needs

    [Theory]
    [InlineData("080842020800", 0, null)] // GET_TOPICS: type 0 is on the wire (proto3 optional)
    [InlineData("0808420e0801120a746573742d746f706963", 1, Topic)] // LIST_PEERS
    [InlineData("0808420e0803120a746573742d746f706963", 3, Topic)] // SUBSCRIBE
    public void RequestsAsDaemonClientWritesThemDecodeWithTheirTypeAndTopic(string hex, int type, string? topic)
    {
        var request = ControlCodec.DecodeRequest(Convert.FromHexString(hex));

        Assert.Equal(Request.Types.Type.Pubsub, request.Type);
        Assert.True(request.Pubsub.HasType);
        Assert.Equal((PSRequest.Types.Type)type, request.Pubsub.Type);
        Assert.Equal(topic is not null, request.Pubsub.HasTopic);
        if (topic is not null) Assert.Equal(topic, request.Pubsub.Topic);
    }

    [Fact]
    public void PublishAsDaemonClientWritesItCarriesTopicAndData()
    {
        var request = ControlCodec.DecodeRequest(Convert.FromHexString("0808420908021201741a020102"));

        Assert.Equal(PSRequest.Types.Type.Publish, request.Pubsub.Type);
        Assert.Equal("t", request.Pubsub.Topic);
        Assert.Equal(new byte[] { 1, 2 }, request.Pubsub.Data.ToByteArray());
    }

    [Fact]
    public void AnEmptyPubsubAnswerIsStillOnTheWire()
    {
        // @libp2p/daemon-client's getSubscribers throws "Invalid response" when the pubsub field is absent.
        var response = new Response { Type = Response.Types.Type.Ok, Pubsub = new PSResponse() };
        Assert.Equal(new byte[] { 4, 0x08, 0x00, 0x3a, 0x00 }, ControlCodec.Frame(response));
    }

    [Fact]
    public async Task APSMessageCarriesThePublishedFieldsUntouchedSoItsSignatureStillVerifies()
    {
        await using var node = await RouterNode.StartAsync();
        var published = await node.PubSub.PublishAsync(Topic, "hello"u8.ToArray()).AsTask().WaitAsync(RouterNode.Timeout);

        byte[] frame = ControlCodec.Frame(P2pDaemon.ToPSMessage(published));
        Assert.True(ControlCodec.TryReadFrame(frame, 1 << 20, out int offset, out int length));
        var ps = PSMessage.Parser.ParseFrom(frame, offset, length);

        Assert.Equal(node.Host.PeerId, PeerId.FromBytes(ps.From.Span));
        Assert.Equal("hello"u8.ToArray(), ps.Data.ToByteArray());
        Assert.Equal(8, ps.Seqno.Length);
        Assert.Equal([Topic], ps.TopicIDs);
        Assert.False(ps.HasKey); // an Ed25519 author's key is inlined in its peer id
        var wire = new WireMessage { From = ps.From, Data = ps.Data, Seqno = ps.Seqno, Topic = ps.TopicIDs[0], Signature = ps.Signature };
        Assert.Equal(SigningFailure.None, MessageSigning.Check(wire, SignaturePolicy.StrictSign, out var author));
        Assert.Equal(node.Host.PeerId, author);
    }

    [Fact]
    public void AnUnsignedMessageBecomesAPSMessageWithDataAndTopicOnly()
    {
        var message = new PubSubMessage(Topic, [7], null, null, null, null, PrivateKey.Generate().ToPeerId(), []);

        var ps = P2pDaemon.ToPSMessage(message);

        Assert.False(ps.HasFrom);
        Assert.False(ps.HasSeqno);
        Assert.False(ps.HasSignature);
        Assert.Equal(new byte[] { 7 }, ps.Data.ToByteArray());
        Assert.Equal([Topic], ps.TopicIDs);
    }

    // --- against real hosts

    [Fact]
    public async Task SubscribeAnswersOkThenStreamsEachMessageAPeerPublishes()
    {
        await using var h = await PubSubDaemonHarness.StartAsync();
        await h.ConnectAsync();
        var subscription = h.Connect();
        AssertOk(await subscription.RequestAsync(Subscribe(Topic)));
        await RouterNode.EventuallyAsync(() => h.Peer.PubSub.GetPeers(Topic).Contains(h.Daemon.Host.PeerId), "the peer sees the daemon's subscription");

        await h.Peer.PubSub.PublishAsync(Topic, "one"u8.ToArray()).AsTask().WaitAsync(RouterNode.Timeout);
        await h.Peer.PubSub.PublishAsync(Topic, "two"u8.ToArray()).AsTask().WaitAsync(RouterNode.Timeout);

        var first = await subscription.ReadAsync(PSMessage.Parser);
        var second = await subscription.ReadAsync(PSMessage.Parser);
        Assert.Equal(["one", "two"], new[] { first, second }.Select(m => m.Data.ToStringUtf8()));
        Assert.All(new[] { first, second }, m =>
        {
            Assert.Equal(h.Peer.Host.PeerId, PeerId.FromBytes(m.From.Span));
            Assert.Equal([Topic], m.TopicIDs);
            Assert.Equal(8, m.Seqno.Length);
            Assert.False(m.Signature.IsEmpty);
        });
        Assert.Equal(1, h.Daemon.Subscriptions);
        Assert.Equal(0, h.Daemon.ControlConnections); // a subscription is no control connection any more
    }

    [Fact]
    public async Task GetTopicsListsTheTopicWhileTheSubscriptionIsOpenAndClosingItUnsubscribes()
    {
        await using var h = await PubSubDaemonHarness.StartAsync();
        await h.ConnectAsync();
        var control = h.Connect();
        var topics = await control.RequestAsync(GetTopics());
        AssertOk(topics);
        Assert.Empty(topics.Pubsub.Topics);

        var subscription = h.Connect();
        AssertOk(await subscription.RequestAsync(Subscribe(Topic)));
        Assert.Equal([Topic], (await control.RequestAsync(GetTopics())).Pubsub.Topics);
        await RouterNode.EventuallyAsync(() => h.Peer.PubSub.GetPeers(Topic).Contains(h.Daemon.Host.PeerId), "the peer sees the daemon join");

        await subscription.Stream.CloseWriteAsync().AsTask().WaitAsync(RouterNode.Timeout);
        Assert.True(await subscription.IsClosedAsync());
        await RouterNode.EventuallyAsync(() => h.Daemon.Subscriptions == 0, "the daemon ends the subscription");
        Assert.Empty((await control.RequestAsync(GetTopics())).Pubsub.Topics);
        await RouterNode.EventuallyAsync(() => !h.Peer.PubSub.GetPeers(Topic).Contains(h.Daemon.Host.PeerId), "the peer sees the daemon leave");
    }

    [Fact]
    public async Task TwoSubscriptionsToOneTopicBothGetTheMessageAndTheTopicStaysUntilTheLastCloses()
    {
        await using var h = await PubSubDaemonHarness.StartAsync();
        await h.ConnectAsync();
        var control = h.Connect();
        var one = h.Connect();
        var two = h.Connect();
        AssertOk(await one.RequestAsync(Subscribe(Topic)));
        AssertOk(await two.RequestAsync(Subscribe(Topic)));
        await RouterNode.EventuallyAsync(() => h.Peer.PubSub.GetPeers(Topic).Contains(h.Daemon.Host.PeerId), "the peer sees the daemon's subscription");

        await h.Peer.PubSub.PublishAsync(Topic, "both"u8.ToArray()).AsTask().WaitAsync(RouterNode.Timeout);
        Assert.Equal("both", (await one.ReadAsync(PSMessage.Parser)).Data.ToStringUtf8());
        Assert.Equal("both", (await two.ReadAsync(PSMessage.Parser)).Data.ToStringUtf8());

        await one.Stream.CloseWriteAsync().AsTask().WaitAsync(RouterNode.Timeout);
        Assert.True(await one.IsClosedAsync());
        await RouterNode.EventuallyAsync(() => h.Daemon.Subscriptions == 1, "the daemon ends the first subscription");
        Assert.Equal([Topic], (await control.RequestAsync(GetTopics())).Pubsub.Topics);
    }

    [Fact]
    public async Task PublishReachesAPeerSubscribedToTheTopic()
    {
        await using var h = await PubSubDaemonHarness.StartAsync();
        await using var received = await h.Peer.PubSub.SubscribeAsync(Topic);
        await h.ConnectAsync();
        var control = h.Connect();
        await RouterNode.EventuallyAsync(() => h.DaemonPubSub.GetPeers(Topic).Contains(h.Peer.Host.PeerId), "the daemon sees the peer's subscription");

        AssertOk(await control.RequestAsync(Publish(Topic, "from the daemon"u8.ToArray())));

        using var cts = new CancellationTokenSource(RouterNode.Timeout);
        var message = await received.Messages.ReadAsync(cts.Token);
        Assert.Equal("from the daemon", System.Text.Encoding.UTF8.GetString(message.Data.Span));
        Assert.Equal(h.Daemon.Host.PeerId, message.From);
    }

    [Fact]
    public async Task ListPeersAnswersTheTopicsSubscribersAndTheEmptyTopicEveryPubsubPeer()
    {
        await using var h = await PubSubDaemonHarness.StartAsync();
        var control = h.Connect();
        var none = await control.RequestAsync(ListPeers(Topic));
        AssertOk(none);
        Assert.Empty(none.Pubsub.PeerIDs);

        await using var subscribed = await h.Peer.PubSub.SubscribeAsync(Topic);
        await h.ConnectAsync();
        await RouterNode.EventuallyAsync(() => h.DaemonPubSub.GetPeers(Topic).Count == 1, "the daemon sees the peer's subscription");

        Assert.Equal([h.Peer.Host.PeerId], (await control.RequestAsync(ListPeers(Topic))).Pubsub.PeerIDs.Select(b => PeerId.FromBytes(b.Span)));
        Assert.Empty((await control.RequestAsync(ListPeers("another-topic"))).Pubsub.PeerIDs);
        Assert.Equal([h.Peer.Host.PeerId], (await control.RequestAsync(ListPeers(""))).Pubsub.PeerIDs.Select(b => PeerId.FromBytes(b.Span)));
    }

    [Fact]
    public async Task RequestsWithoutTheirTopicOrParametersGetAnErrorAndTheConnectionGoesOn()
    {
        await using var h = await PubSubDaemonHarness.StartAsync();
        var control = h.Connect();

        AssertError(await control.RequestAsync(new Request { Type = Request.Types.Type.Pubsub }), "missing parameters");
        AssertError(await control.RequestAsync(PubSub(new PSRequest { Type = PSRequest.Types.Type.ListPeers })), "missing topic");
        AssertError(await control.RequestAsync(PubSub(new PSRequest { Type = PSRequest.Types.Type.Subscribe })), "missing topic");
        AssertError(await control.RequestAsync(PubSub(new PSRequest { Type = PSRequest.Types.Type.Publish, Data = ByteString.CopyFrom(1) })), "missing topic");
        AssertError(await control.RequestAsync(Subscribe("")), "empty");
        AssertError(await control.RequestAsync(PubSub(new PSRequest { Type = (PSRequest.Types.Type)9 })), "unsupported: PUBSUB request type 9");
        AssertError(await control.RequestAsync(Publish(new string('x', 2000), [1])), "publish to");
        AssertOk(await control.RequestAsync(GetTopics()));
        Assert.Equal(0, h.Daemon.Subscriptions);
    }

    [Fact]
    public async Task ASubscriptionPastTheLimitGetsAnError()
    {
        await using var h = await PubSubDaemonHarness.StartAsync(o => o.MaxSubscriptions = 1);
        var first = h.Connect();
        AssertOk(await first.RequestAsync(Subscribe(Topic)));

        var second = h.Connect();
        AssertError(await second.RequestAsync(Subscribe("other")), "too many subscriptions");
        AssertOk(await second.RequestAsync(GetTopics()));
        Assert.Equal(1, h.Daemon.Subscriptions);
    }

    [Fact]
    public async Task DisposingTheDaemonEndsItsSubscriptions()
    {
        await using var h = await PubSubDaemonHarness.StartAsync();
        var subscription = h.Connect();
        AssertOk(await subscription.RequestAsync(Subscribe(Topic)));

        await h.Daemon.DisposeAsync().AsTask().WaitAsync(RouterNode.Timeout);

        Assert.True(await subscription.IsClosedAsync());
        Assert.Equal(0, h.Daemon.Subscriptions);
        Assert.Empty(h.DaemonPubSub.Topics);
    }
}

/// <summary>A host with a pubsub router of its own (fast heartbeat), listening on loopback TCP.</summary>
internal sealed class RouterNode : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private RouterNode(Libp2pHost host, Multiaddr address, Libp2p.PubSub.PubSub pubsub)
    {
        Host = host;
        Address = address;
        PubSub = pubsub;
    }

    public Libp2pHost Host { get; }
    public Multiaddr Address { get; }
    public Libp2p.PubSub.PubSub PubSub { get; }

    public static async Task<RouterNode> StartAsync()
    {
        var (host, address) = await Hosts.CreateListeningAsync(o => o.IdleTimeout = null);
        var options = new PubSubOptions();
        options.GossipSub.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.GossipSub.HeartbeatInitialDelay = TimeSpan.FromMilliseconds(10);
        return new RouterNode(host, address, new Libp2p.PubSub.PubSub(host, options));
    }

    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            try { await Task.Delay(20, cts.Token); }
            catch (OperationCanceledException) { Assert.Fail($"Timed out waiting until {what}."); }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await PubSub.DisposeAsync().AsTask().WaitAsync(Timeout);
        await Host.DisposeAsync().AsTask().WaitAsync(Timeout);
    }
}

/// <summary>A daemon whose host runs a router, an in-memory control endpoint, and a peer node with its own router.</summary>
internal sealed class PubSubDaemonHarness : IAsyncDisposable
{
    private readonly RouterNode _daemonNode;
    private readonly InMemoryControlEndpoint _endpoint;
    private readonly Task _serving;

    private PubSubDaemonHarness(RouterNode daemonNode, RouterNode peer, InMemoryControlEndpoint endpoint, P2pDaemon daemon)
    {
        _daemonNode = daemonNode;
        Peer = peer;
        _endpoint = endpoint;
        Daemon = daemon;
        _serving = daemon.RunAsync();
    }

    public P2pDaemon Daemon { get; }
    public Libp2p.PubSub.PubSub DaemonPubSub => _daemonNode.PubSub;
    public RouterNode Peer { get; }

    public static async Task<PubSubDaemonHarness> StartAsync(Action<DaemonOptions>? configure = null)
    {
        var node = await RouterNode.StartAsync();
        var peer = await RouterNode.StartAsync();
        var options = new DaemonOptions();
        configure?.Invoke(options);
        var endpoint = new InMemoryControlEndpoint();
        return new PubSubDaemonHarness(node, peer, endpoint, new P2pDaemon(node.Host, endpoint, options) { PubSub = node.PubSub });
    }

    public ControlClient Connect() => new(_endpoint.Connect());

    /// <summary>Connects the daemon's host to the peer and waits until both routers see each other.</summary>
    public async Task ConnectAsync()
    {
        await Daemon.Host.DialAsync(Peer.Address).AsTask().WaitAsync(RouterNode.Timeout);
        await RouterNode.EventuallyAsync(() => DaemonPubSub.GetPeers().Count == 1 && Peer.PubSub.GetPeers().Count == 1, "both routers see each other");
    }

    public async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync();
        await _serving.WaitAsync(RouterNode.Timeout);
        await _daemonNode.DisposeAsync();
        await Peer.DisposeAsync();
    }
}
