using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.PubSub;
using Libp2p.PubSub.Pb;
using Libp2p.PubSub.Wire;

namespace Libp2p.Tests.PubSub;

/// <summary>The pubsub wire: framing limits, hostile bytes, signing, the bounded outbound queue.</summary>
public class PubSubWireTests
{
    private static readonly TimeSpan T = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AFrameOverTheLimitIsRefusedBeforeItsBytesArrive()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var prefix = new byte[5];
        int n = Libp2p.Multiformats.Varint.Write(2_000_000, prefix);
        await a.WriteAsync(prefix.AsMemory(0, n));
        using var reader = new FrameReader(b, 1 << 20);
        var e = await Assert.ThrowsAsync<PubSubProtocolException>(() => reader.ReadFrameAsync(default).AsTask().WaitAsync(T));
        Assert.Contains("exceeds", e.Message);
    }

    [Fact]
    public async Task FramesSplitAcrossWritesAndPackedInOneAreAllRead()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var rpc1 = RpcFrames.Encode(new RPC { Subscriptions = { new RPC.Types.SubOpts { Subscribe = true, Topicid = "x" } } });
        var big = RpcFrames.EncodeMessage(new Message { Topic = "x", Data = ByteString.CopyFrom(new byte[200_000]) }.ToByteArray());
        var all = rpc1.Concat(big).Concat(rpc1).ToArray();
        var writing = Task.Run(async () =>
        {
            for (int i = 0; i < all.Length; i += 7001) await a.WriteAsync(all.AsMemory(i, Math.Min(7001, all.Length - i)));
            await a.CloseWriteAsync();
        });
        using var reader = new FrameReader(b, 1 << 20);
        var sizes = new List<int>();
        while (await reader.ReadFrameAsync(default).AsTask().WaitAsync(T) is { } frame)
        {
            var rpc = RpcFrames.Decode(frame.Span);
            sizes.Add(rpc.Publish.Count == 1 ? rpc.Publish[0].Data.Length : -rpc.Subscriptions.Count);
        }
        await writing;
        Assert.Equal([-1, 200_000, -1], sizes);
    }

    [Property(MaxTest = 300)]
    public void ArbitraryBytesOnlyEverRaiseTheProtocolException(byte[] bytes)
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        a.WriteAsync(bytes).AsTask().Wait(T);
        a.CloseWriteAsync().AsTask().Wait(T);
        using var reader = new FrameReader(b, 4096);
        try
        {
            while (reader.ReadFrameAsync(default).AsTask().WaitAsync(T).GetAwaiter().GetResult() is { } frame)
                RpcFrames.Decode(frame.Span);
        }
        catch (PubSubProtocolException) { }
    }

    [Fact]
    public void ASignedMessageVerifiesAndAnyChangeBreaksIt()
    {
        var key = PrivateKey.Generate();
        var self = key.ToPeerId();
        var m = new Message { From = ByteString.CopyFrom(self.Bytes), Seqno = ByteString.CopyFrom(new byte[8] { 0, 0, 0, 0, 0, 0, 0, 1 }), Topic = "t", Data = ByteString.CopyFromUtf8("hi") };
        MessageSigning.Sign(m, key, self);
        Assert.False(m.HasKey); // Ed25519 ids inline the key
        Assert.Equal(SigningFailure.None, MessageSigning.Check(m, SignaturePolicy.StrictSign, out var author));
        Assert.Equal(self, author);

        var tampered = m.Clone();
        tampered.Data = ByteString.CopyFromUtf8("ho");
        Assert.Equal(SigningFailure.InvalidSignature, MessageSigning.Check(tampered, SignaturePolicy.StrictSign, out _));
        var otherAuthor = m.Clone();
        otherAuthor.From = ByteString.CopyFrom(PrivateKey.Generate().ToPeerId().Bytes);
        Assert.Equal(SigningFailure.InvalidSignature, MessageSigning.Check(otherAuthor, SignaturePolicy.StrictSign, out _));
        var unsigned = m.Clone();
        unsigned.ClearSignature();
        Assert.Equal(SigningFailure.MissingSignature, MessageSigning.Check(unsigned, SignaturePolicy.StrictSign, out _));
        Assert.Equal(SigningFailure.UnexpectedSignature, MessageSigning.Check(m, SignaturePolicy.StrictNoSign, out _));
    }

    [Fact]
    public void AnAuthorWhoseIdHashesItsKeySendsTheKeyAndItMustMatchFrom()
    {
        var key = PrivateKey.Generate(KeyType.Ecdsa);
        var self = key.ToPeerId();
        var m = new Message { From = ByteString.CopyFrom(self.Bytes), Seqno = ByteString.CopyFrom(new byte[8]), Topic = "t", Data = ByteString.CopyFromUtf8("hi") };
        MessageSigning.Sign(m, key, self);
        Assert.True(m.HasKey);
        Assert.Equal(SigningFailure.None, MessageSigning.Check(m, SignaturePolicy.StrictSign, out _));
        var wrongKey = m.Clone();
        wrongKey.Key = ByteString.CopyFrom(PrivateKey.Generate(KeyType.Ecdsa).PublicKey.ToProtobuf());
        Assert.Equal(SigningFailure.InvalidSignature, MessageSigning.Check(wrongKey, SignaturePolicy.StrictSign, out _));
    }

    [Fact]
    public void TheOutboundQueueRefusesMessagesPastItsByteBoundAndReportsAControlOverflow()
    {
        int overflows = 0;
        var queue = new PeerOutboundQueue(maxDataBytes: 10_000, maxControlFrames: 3, maxFrameSize: 1 << 20) { Overflowed = () => overflows++ };
        var wire = new Message { Topic = "t", Data = ByteString.CopyFrom(new byte[3000]) }.ToByteArray();
        var m = new PubSubMessage("t", new byte[3000], null, null, null, null, PrivateKey.Generate().ToPeerId(), wire);
        Assert.True(queue.TrySendMessage(m));
        Assert.True(queue.TrySendMessage(m));
        Assert.True(queue.TrySendMessage(m));
        Assert.False(queue.TrySendMessage(m));
        Assert.Equal(1, queue.Dropped);
        Assert.True(queue.QueuedBytes <= 10_000);

        var rpc = new RPC { Subscriptions = { new RPC.Types.SubOpts { Subscribe = true, Topicid = "t" } } };
        for (int i = 0; i < 3; i++) Assert.True(queue.TrySendControl(rpc));
        Assert.False(queue.TrySendControl(rpc));
        Assert.Equal(1, overflows);
    }

    [Fact]
    public async Task TheOutboundQueueWritesControlBeforeMessagesAndFreesItsBytes()
    {
        var queue = new PeerOutboundQueue(1 << 20, 16, 1 << 20);
        var wire = new Message { Topic = "t", Data = ByteString.CopyFromUtf8("m") }.ToByteArray();
        queue.TrySendMessage(new PubSubMessage("t", [], null, null, null, null, PrivateKey.Generate().ToPeerId(), wire));
        queue.TrySendControl(new RPC { Subscriptions = { new RPC.Types.SubOpts { Subscribe = true, Topicid = "t" } } });
        var (a, b) = InMemoryDuplex.CreatePair();
        using var cts = new CancellationTokenSource(T);
        var run = queue.RunAsync(a, cts.Token);
        using var reader = new FrameReader(b, 1 << 20);
        var first = RpcFrames.Decode((await reader.ReadFrameAsync(default).AsTask().WaitAsync(T))!.Value.Span);
        var second = RpcFrames.Decode((await reader.ReadFrameAsync(default).AsTask().WaitAsync(T))!.Value.Span);
        Assert.Single(first.Subscriptions);
        Assert.Single(second.Publish);
        Assert.Equal(0, queue.QueuedBytes);
        queue.Close();
        await run.WaitAsync(T);
    }
}
