using System.Text;
using System.Text.Json;
using Libp2p.Interop.Tests.Infrastructure;
using Libp2p.Interop.Tests.JsPeers;
using Libp2p.Interop.Tests.PubSub;

namespace Libp2p.Interop.Tests.Wasm;

/// <summary>Pubsub inside WebAssembly (`wasm/p2p listen --pubsub`, `wasm/p2p pubsub`) with js-libp2p and a native C# node.</summary>
[Collection(WasmAppCollection.Name)]
public sealed class WasmPubSubTests(WasmAppFixture app)
{
    private static readonly TimeSpan Hard = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan T = TimeSpan.FromSeconds(60);
    private const string Topic = "wasm-chat";

    private static JsonElement? Event(string line, string name) =>
        WasmAppFixture.IsEvent(line, name) ? WasmAppFixture.Parse(line) : null;

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task WasmListenPrintsGossipsubMessagesFromJs(string abi)
    {
        await using var wasm = app.Start(abi, Hard, "listen", "--json", "--pubsub", "gossipsub", "--subscribe", Topic);
        var listening = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "listening"), T));
        string addr = listening.GetProperty("addrs")[0].GetString()!;

        await using var js = await JsPeer.StartAsync("--pubsub", "gossipsub", "--subscribe", Topic, "--heartbeat-ms", "200", "--dial", addr);
        await js.WaitForEventAsync("pubsub:subscribed", T);
        await js.PublishUntilSentAsync(Topic, "from js", T);
        var fromJs = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "pubsub:message") && l.Contains("from js"), T));
        Assert.Equal(js.PeerId, fromJs.GetProperty("from").GetString());
        Assert.Equal(Topic, fromJs.GetProperty("topic").GetString());
        Assert.Equal(Convert.ToBase64String("from js"u8), fromJs.GetProperty("data").GetString());
        Assert.Equal(16, fromJs.GetProperty("seqno").GetString()!.Length);
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task WasmPubsubChatPublishesItsInputToJsAndPrintsWhatJsSends(string abi)
    {
        await using var js = await JsPeer.StartAsync("--pubsub", "gossipsub", "--subscribe", Topic, "--heartbeat-ms", "200");
        await using var chat = app.Start(abi, Hard, "pubsub", js.Addrs[0], "--topic", Topic, "--json");
        var joined = WasmAppFixture.Parse(await chat.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "pubsub:joined"), T));
        Assert.Contains(js.PeerId, joined.GetProperty("peers").EnumerateArray().Select(p => p.GetString()));

        await chat.WriteLineAsync("hello from wasm");
        var got = await js.WaitForEventAsync("pubsub:message", e => e.GetProperty("text").GetString() == "hello from wasm", T);
        Assert.Equal(joined.GetProperty("peerId").GetString(), got.GetProperty("from").GetString());

        await js.PublishUntilSentAsync(Topic, "hello from js", T);
        var back = WasmAppFixture.Parse(await chat.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "pubsub:message"), T));
        Assert.Equal("hello from js", back.GetProperty("text").GetString());

        chat.CloseInput();
        Assert.Equal(0, await chat.WaitForExitAsync(T));
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task WasmPubsubChatAndANativeNodeExchangeMessagesBothWays(string abi)
    {
        await using var native = await PubSubTestNode.StartAsync();
        await native.SubscribeAsync(Topic);
        await using var chat = app.Start(abi, Hard, "pubsub", native.Address.ToString(), "--topic", Topic, "--json");
        var joined = WasmAppFixture.Parse(await chat.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "pubsub:joined"), T));
        string wasmPeer = joined.GetProperty("peerId").GetString()!;
        Assert.Contains(native.Host.PeerId.ToString(), joined.GetProperty("peers").EnumerateArray().Select(p => p.GetString()));
        await PubSubTestNode.EventuallyAsync(() => native.PubSub.GetPeers(Topic).Any(p => p.ToString() == wasmPeer), "the native node sees the Wasm subscriber");

        await chat.WriteLineAsync("hello from wasm");
        await PubSubTestNode.EventuallyAsync(() => native.Received.Any(m => Encoding.UTF8.GetString(m.Data.Span) == "hello from wasm"), "the native node got the Wasm message");
        var fromWasm = native.Received.Single(m => Encoding.UTF8.GetString(m.Data.Span) == "hello from wasm");
        Assert.Equal(wasmPeer, fromWasm.From!.ToString());
        Assert.Equal(Topic, fromWasm.Topic);

        var sent = await native.PubSub.PublishAsync(Topic, Encoding.UTF8.GetBytes("hello from native"));
        var back = WasmAppFixture.Parse(await chat.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "pubsub:message"), T));
        Assert.Equal("hello from native", back.GetProperty("text").GetString());
        Assert.Equal(native.Host.PeerId.ToString(), back.GetProperty("from").GetString());
        Assert.Equal(sent.SeqnoHex, back.GetProperty("seqno").GetString());

        chat.CloseInput();
        Assert.Equal(0, await chat.WaitForExitAsync(T));
    }
}
