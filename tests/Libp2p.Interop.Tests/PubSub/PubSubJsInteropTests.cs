using System.Text;
using System.Text.Json;
using Libp2p.Interop.Tests.JsPeers;
using Libp2p.PubSub;

namespace Libp2p.Interop.Tests.PubSub;

/// <summary>
/// Our pubsub against js-libp2p's (@libp2p/gossipsub 17.1.1, @libp2p/floodsub 11.0.28, interop/js/peer.mjs): both
/// directions on gossipsub and on floodsub, the hybrid, and a mixed mesh of three C# and three js nodes.
/// </summary>
public sealed class PubSubJsInteropTests
{
    private static readonly TimeSpan T = PubSubTestNode.T;
    private const string Topic = "interop";

    private static string Publish(string topic, string text) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["cmd"] = "publish", ["topic"] = topic, ["text"] = text });

    private static bool IsMessage(JsonElement e, string text) =>
        e.GetProperty("event").GetString() == "pubsub:message" && e.GetProperty("text").GetString() == text;

    private static async Task ExchangeBothWaysAsync(PubSubTestNode cs, JsPeer js, string expectedProtocol)
    {
        await cs.SubscribeAsync(Topic);
        await cs.DialAsync(js.Addrs[0]);
        await js.WaitForEventAsync("pubsub:subscribed", e => e.GetProperty("peer").GetString() == cs.Host.PeerId.ToString(), T);
        await PubSubTestNode.EventuallyAsync(() => cs.PubSub.GetPeers(Topic).Count == 1, "the C# node sees the js subscriber");
        Assert.Equal(expectedProtocol, cs.PubSub.GetProtocol(global::Libp2p.Identity.PeerId.Parse(js.PeerId)));

        var sent = await cs.PubSub.PublishAsync(Topic, Encoding.UTF8.GetBytes("from C#"));
        var got = await js.WaitForEventAsync("pubsub:message", e => IsMessage(e, "from C#"), T);
        Assert.Equal(cs.Host.PeerId.ToString(), got.GetProperty("from").GetString());
        Assert.Equal(sent.SeqnoHex, got.GetProperty("seqno").GetString());
        Assert.Equal(Topic, got.GetProperty("topic").GetString());

        await js.SendAsync(Publish(Topic, "from js"));
        await PubSubTestNode.EventuallyAsync(() => cs.Received.Any(m => Encoding.UTF8.GetString(m.Data.Span) == "from js"), "the C# node got the js message");
        var fromJs = cs.Received.Single(m => Encoding.UTF8.GetString(m.Data.Span) == "from js");
        Assert.Equal(js.PeerId, fromJs.From!.ToString());
        Assert.Equal(8, fromJs.Seqno!.Value.Length);
    }

    [Fact]
    public async Task CSharpAndJsExchangeMessagesOverGossipsubBothWays()
    {
        await using var js = await JsPeer.StartAsync("--pubsub", "gossipsub", "--subscribe", Topic, "--heartbeat-ms", "200");
        await using var cs = await PubSubTestNode.StartAsync();
        await ExchangeBothWaysAsync(cs, js, PubSubProtocols.MeshSubV12);
        // Each has the other in its mesh: js grafted us and we grafted it.
        await PubSubTestNode.EventuallyAsync(() => cs.PubSub.GetMeshPeers(Topic).Count == 1, "js is in our mesh");
        await js.SendAsync("{\"cmd\":\"peers\",\"topic\":\"" + Topic + "\"}");
        var peers = await js.WaitForEventAsync("pubsub:peers", T);
        Assert.Contains(cs.Host.PeerId.ToString(), peers.GetProperty("mesh").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task CSharpAndJsExchangeMessagesOverFloodsubBothWays()
    {
        await using var js = await JsPeer.StartAsync("--pubsub", "floodsub", "--subscribe", Topic);
        await using var cs = await PubSubTestNode.StartAsync(PubSubRouterKind.FloodSub);
        await ExchangeBothWaysAsync(cs, js, PubSubProtocols.FloodSub);
    }

    [Fact]
    public async Task AJsFloodsubPeerAndACSharpGossipsubNodeExchangeMessages()
    {
        await using var js = await JsPeer.StartAsync("--pubsub", "floodsub", "--subscribe", Topic);
        await using var cs = await PubSubTestNode.StartAsync(PubSubRouterKind.GossipSub);
        await ExchangeBothWaysAsync(cs, js, PubSubProtocols.FloodSub);
    }

    [Fact]
    public async Task AMixedMeshOfThreeCSharpAndThreeJsNodesDeliversEveryMessageExactlyOnce()
    {
        // js ids for gossip (IHAVE/IWANT/IDONTWANT) so the C# nodes and js agree on message ids.
        var js = new List<JsPeer>();
        var cs = new List<PubSubTestNode>();
        try
        {
            js.Add(await JsPeer.StartAsync("--pubsub", "gossipsub", "--subscribe", Topic, "--heartbeat-ms", "200"));
            for (int i = 1; i < 3; i++)
                js.Add(await JsPeer.StartAsync("--pubsub", "gossipsub", "--subscribe", Topic, "--heartbeat-ms", "200", "--dial", js[i - 1].Addrs[0]));
            for (int i = 0; i < 3; i++)
            {
                cs.Add(await PubSubTestNode.StartAsync(configure: o => o.MessageId = MessageIdFunctions.JsLibp2p));
                await cs[i].SubscribeAsync(Topic);
            }
            // A ring of C# nodes, each also connected to two js nodes; the js nodes form a chain.
            for (int i = 0; i < 3; i++)
            {
                await cs[i].DialAsync(js[i].Addrs[0]);
                await cs[i].DialAsync(js[(i + 1) % 3].Addrs[0]);
                await cs[i].DialAsync(cs[(i + 1) % 3].Address.ToString());
            }
            // Every C# node has its four neighbours in its mesh; every js node all of its own.
            await PubSubTestNode.EventuallyAsync(() => cs.All(c => c.PubSub.GetMeshPeers(Topic).Count == 4), "every C# mesh is complete");
            int[] jsNeighbours = [3, 4, 3];
            for (int i = 0; i < 3; i++)
            {
                var peer = js[i];
                int want = jsNeighbours[i];
                using var cts = new CancellationTokenSource(T);
                while (true)
                {
                    await peer.SendAsync("{\"cmd\":\"peers\",\"topic\":\"" + Topic + "\"}");
                    var e = await peer.WaitForEventAsync("pubsub:peers", T);
                    if (e.GetProperty("mesh").GetArrayLength() >= want) break;
                    await Task.Delay(100, cts.Token);
                }
            }

            var expected = new List<string>();
            for (int round = 0; round < 2; round++)
                for (int i = 0; i < 3; i++)
                {
                    string fromCs = $"cs{i}-{round}", fromJs = $"js{i}-{round}";
                    await cs[i].PubSub.PublishAsync(Topic, Encoding.UTF8.GetBytes(fromCs));
                    await js[i].SendAsync(Publish(Topic, fromJs));
                    expected.Add(fromCs);
                    expected.Add(fromJs);
                }
            // Every node gets every message of the others; then a marker from each side: once every node has both, a
            // duplicate of the earlier messages would have had time to arrive too.
            for (int i = 0; i < 3; i++)
            {
                var node = cs[i];
                int want = expected.Count - 2;
                await PubSubTestNode.EventuallyAsync(() => node.Received.Count >= want, $"C# node {i} got the {want} messages of the others");
                var peer = js[i];
                await peer.WaitUntilAsync(events => events.Count(e => e.GetProperty("event").GetString() == "pubsub:message") >= want,
                    $"js node {i} got the {want} messages of the others", T);
            }
            await cs[0].PubSub.PublishAsync(Topic, "marker"u8.ToArray());
            await js[0].SendAsync(Publish(Topic, "marker-js"));

            for (int i = 0; i < 3; i++)
            {
                var node = cs[i];
                await PubSubTestNode.EventuallyAsync(() => node.Received.Count(m => m.Data.Span.SequenceEqual("marker-js"u8)) == 1
                    && (i == 0 || node.Received.Any(m => m.Data.Span.SequenceEqual("marker"u8))), $"C# node {i} got both markers");
                var texts = node.Received.Select(m => Encoding.UTF8.GetString(m.Data.Span)).Where(t => !t.StartsWith("marker")).Order().ToList();
                Assert.Equal(expected.Where(t => t != $"cs{i}-0" && t != $"cs{i}-1").Order().ToList(), texts);
            }
            for (int i = 0; i < 3; i++)
            {
                var peer = js[i];
                await peer.WaitUntilAsync(events => events.Any(e => IsMessage(e, "marker")) && (i == 0 || events.Any(e => IsMessage(e, "marker-js"))),
                    $"js node {i} got both markers", T);
                var texts = peer.Events.Where(e => e.GetProperty("event").GetString() == "pubsub:message")
                    .Select(e => e.GetProperty("text").GetString()!).Where(t => !t.StartsWith("marker")).Order().ToList();
                var want = expected.Where(t => t != $"js{i}-0" && t != $"js{i}-1").Order().ToList();
                Assert.True(want.SequenceEqual(texts), $"js node {i}: missing [{string.Join(", ", want.Except(texts))}], extra [{string.Join(", ", texts.Except(want))}], got {texts.Count}\n{peer.Process.Stdout}\n{peer.Process.Stderr}");
            }
        }
        finally
        {
            foreach (var c in cs) await c.DisposeAsync();
            foreach (var j in js) await j.DisposeAsync();
        }
    }
}
