using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Multiformats;
using Libp2p.Protocols.Identify;
using IdentifyMessage = Libp2p.Protocols.Identify.Pb.Identify;

namespace Libp2p.Tests.Protocols;

public class IdentifyProtocolTests
{
    private static readonly TimeSpan Timeout = TestTimeouts.Await;

    private static IdentifyInfo FullInfo() => new(
        "ipfs/0.1.0",
        "dotnet-libp2p-test/0.1.0",
        [0x08, 0x01, 0x12, 0x20, .. Enumerable.Range(1, 32).Select(i => (byte)i)],
        [Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001"), Multiaddr.Parse("/ip6/::1/tcp/4002")],
        Multiaddr.Parse("/ip4/10.0.0.7/tcp/51234"),
        ["/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/perf/1.0.0"],
        [0xAA, 0xBB, 0xCC]);

    private static void AssertSameInfo(IdentifyInfo expected, IdentifyInfo actual)
    {
        Assert.Equal(expected.ProtocolVersion, actual.ProtocolVersion);
        Assert.Equal(expected.AgentVersion, actual.AgentVersion);
        Assert.Equal(expected.PublicKey, actual.PublicKey);
        Assert.Equal(expected.ListenAddresses, actual.ListenAddresses);
        Assert.Equal(expected.ObservedAddress, actual.ObservedAddress);
        Assert.Equal(expected.Protocols, actual.Protocols);
        Assert.Equal(expected.SignedPeerRecord, actual.SignedPeerRecord);
    }

    /// <summary>The remote side of a stream that sent <paramref name="wire"/> and closed.</summary>
    private static async Task<IDuplexStream> StreamCarrying(byte[] wire)
    {
        var (reader, writer) = InMemoryDuplex.CreatePair();
        await writer.WriteAsync(wire).AsTask().WaitAsync(Timeout);
        await writer.CloseWriteAsync();
        return reader;
    }

    private static byte[] Frame(params IMessage[] parts)
    {
        var output = new MemoryStream();
        foreach (IMessage part in parts)
            part.WriteDelimitedTo(output);
        return output.ToArray();
    }

    [Fact]
    public async Task RequestAndRespondRoundTripEveryField()
    {
        var (dialer, listener) = InMemoryDuplex.CreatePair();
        IdentifyInfo sent = FullInfo();

        await IdentifyProtocol.RespondAsync(listener, sent).AsTask().WaitAsync(Timeout);
        IdentifyInfo received = await IdentifyProtocol.RequestAsync(dialer).AsTask().WaitAsync(Timeout);

        AssertSameInfo(sent, received);
    }

    [Fact]
    public async Task ResponseIsOneVarintPrefixedIdentifyMessageThenEof()
    {
        var (dialer, listener) = InMemoryDuplex.CreatePair();
        await IdentifyProtocol.RespondAsync(listener, FullInfo()).AsTask().WaitAsync(Timeout);

        var wire = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await dialer.ReadAsync(buffer).AsTask().WaitAsync(Timeout)) > 0)
            wire.Write(buffer, 0, n);
        byte[] bytes = wire.ToArray();

        ulong length = Varint.Read(bytes, out int prefix);
        Assert.Equal(bytes.Length - prefix, (int)length);
        var message = IdentifyMessage.Parser.ParseFrom(bytes.AsSpan(prefix));
        Assert.Equal("dotnet-libp2p-test/0.1.0", message.AgentVersion);
        Assert.Equal(2, message.ListenAddrs.Count);
        Assert.Equal(Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001").ToBytes(), message.ListenAddrs[0].ToByteArray());
    }

    [Fact]
    public async Task PushRoundTripsAPartialUpdateWithAbsentFieldsEmpty()
    {
        var (dialer, listener) = InMemoryDuplex.CreatePair();
        var partial = new IdentifyInfo("", "", [], [], null, ["/new/1.0.0"]);

        await IdentifyProtocol.PushAsync(dialer, partial).AsTask().WaitAsync(Timeout);
        IdentifyInfo received = await IdentifyProtocol.ReceivePushAsync(listener).AsTask().WaitAsync(Timeout);

        Assert.Equal(["/new/1.0.0"], received.Protocols);
        Assert.Equal("", received.AgentVersion);
        Assert.Equal("", received.ProtocolVersion);
        Assert.Empty(received.PublicKey);
        Assert.Empty(received.ListenAddresses);
        Assert.Null(received.ObservedAddress);
        Assert.Null(received.SignedPeerRecord);
    }

    [Fact]
    public async Task PushOfAFullMessageRoundTrips()
    {
        var (dialer, listener) = InMemoryDuplex.CreatePair();
        await IdentifyProtocol.PushAsync(dialer, FullInfo()).AsTask().WaitAsync(Timeout);
        AssertSameInfo(FullInfo(), await IdentifyProtocol.ReceivePushAsync(listener).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task RequestRejectsAResponseWithoutPublicKey()
    {
        var stream = await StreamCarrying(Frame(new IdentifyMessage { AgentVersion = "x" }));
        var ex = await Assert.ThrowsAsync<IdentifyException>(() => IdentifyProtocol.RequestAsync(stream).AsTask().WaitAsync(Timeout));
        Assert.Contains("public key", ex.Message);
    }

    [Fact]
    public async Task LengthPrefixOverTheLimitIsRejectedBeforeReadingThePayload()
    {
        byte[] prefix = Varint.Encode(IdentifyProtocol.MaxMessageSize + 1);
        // Only the prefix is sent: the reader must reject it without waiting for 8 KiB.
        var (reader, writer) = InMemoryDuplex.CreatePair();
        await writer.WriteAsync(prefix).AsTask().WaitAsync(Timeout);

        var ex = await Assert.ThrowsAsync<IdentifyException>(() => IdentifyProtocol.ReceivePushAsync(reader).AsTask().WaitAsync(Timeout));
        Assert.Contains("8193", ex.Message);
    }

    [Fact]
    public async Task MessageAtExactlyTheLimitIsAccepted()
    {
        var message = new IdentifyMessage { AgentVersion = "" };
        message.AgentVersion = new string('a', IdentifyProtocol.MaxMessageSize - 1 - 2); // tag + 2-byte length
        Assert.Equal(IdentifyProtocol.MaxMessageSize, message.CalculateSize());

        var stream = await StreamCarrying(Frame(message));
        IdentifyInfo info = await IdentifyProtocol.ReceivePushAsync(stream).AsTask().WaitAsync(Timeout);
        Assert.Equal(message.AgentVersion, info.AgentVersion);
    }

    [Fact]
    public async Task GarbageProtobufIsRejectedWithIdentifyException()
    {
        // Field 1, wire type 2, claims 100 bytes but the message has 3.
        byte[] garbage = [0x0A, 0x64, 0x01, 0x02, 0x03];
        var stream = await StreamCarrying([(byte)garbage.Length, .. garbage]);
        var ex = await Assert.ThrowsAsync<IdentifyException>(() => IdentifyProtocol.ReceivePushAsync(stream).AsTask().WaitAsync(Timeout));
        Assert.Contains("Malformed", ex.Message);
    }

    [Fact]
    public async Task TruncatedMessageIsRejected()
    {
        byte[] whole = Frame(new IdentifyMessage { AgentVersion = "agent" });
        var stream = await StreamCarrying(whole[..^2]);
        var ex = await Assert.ThrowsAsync<IdentifyException>(() => IdentifyProtocol.ReceivePushAsync(stream).AsTask().WaitAsync(Timeout));
        Assert.Contains($"ended {whole.Length - 3} byte(s) into a {whole.Length - 1}-byte message", ex.Message);
    }

    [Fact]
    public async Task EmptyStreamIsRejected()
    {
        var stream = await StreamCarrying([]);
        await Assert.ThrowsAsync<IdentifyException>(() => IdentifyProtocol.ReceivePushAsync(stream).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task PartsAreMergedAsGoLibp2pSplitsThem()
    {
        // go-libp2p sends the signed peer record in a second message when the whole exceeds 2 KiB.
        var first = new IdentifyMessage { AgentVersion = "go-libp2p", PublicKey = ByteString.CopyFrom(1, 2, 3) };
        first.Protocols.Add("/a/1");
        first.ListenAddrs.Add(ByteString.CopyFrom(Multiaddr.Parse("/ip4/1.2.3.4/tcp/1").ToBytes()));
        var second = new IdentifyMessage { SignedPeerRecord = ByteString.CopyFrom(9, 9) };
        second.Protocols.Add("/a/1");
        second.Protocols.Add("/b/1");

        var stream = await StreamCarrying(Frame(first, second));
        IdentifyInfo info = await IdentifyProtocol.RequestAsync(stream).AsTask().WaitAsync(Timeout);

        Assert.Equal("go-libp2p", info.AgentVersion);
        Assert.Equal(["/a/1", "/b/1"], info.Protocols);
        Assert.Equal([Multiaddr.Parse("/ip4/1.2.3.4/tcp/1")], info.ListenAddresses);
        Assert.Equal(new byte[] { 9, 9 }, info.SignedPeerRecord);
    }

    [Fact]
    public async Task MoreThanTenPartsAreRejected()
    {
        var parts = Enumerable.Range(0, 11).Select(i => (IMessage)new IdentifyMessage { Protocols = { $"/p/{i}" } }).ToArray();
        var stream = await StreamCarrying(Frame(parts));
        var ex = await Assert.ThrowsAsync<IdentifyException>(() => IdentifyProtocol.ReceivePushAsync(stream).AsTask().WaitAsync(Timeout));
        Assert.Contains("more than 10", ex.Message);
    }

    [Fact]
    public async Task ListenAddressesBeyondTheCapAreDroppedAsGoDoes()
    {
        // The identify-amplification attack: ten parts of tiny addresses (~20,000 of them). At most 500 are kept.
        var tiny = ByteString.CopyFrom(Multiaddr.Parse("/ip4/1.2.3.4").ToBytes());
        var parts = Enumerate(10, () =>
        {
            var m = new IdentifyMessage();
            while (m.CalculateSize() < IdentifyProtocol.MaxMessageSize - 16) m.ListenAddrs.Add(tiny);
            return m;
        });
        var stream = await StreamCarrying(Frame(parts));
        var info = await IdentifyProtocol.ReceivePushAsync(stream).AsTask().WaitAsync(Timeout);
        Assert.Equal(IdentifyProtocol.MaxListenAddresses, info.ListenAddresses.Count);
        Assert.Equal(500, IdentifyProtocol.MaxListenAddresses);
    }

    [Fact]
    public async Task ProtocolsBeyondTheCapAreDroppedAndOversizeIdsSkipped()
    {
        int n = 0;
        var parts = Enumerate(8, () =>
        {
            var m = new IdentifyMessage();
            while (m.CalculateSize() < IdentifyProtocol.MaxMessageSize - 64) m.Protocols.Add($"/p/{n++}");
            return m;
        });
        var oversize = new IdentifyMessage { Protocols = { new string('x', IdentifyProtocol.MaxProtocolIdLength + 1) } };
        var stream = await StreamCarrying(Frame([oversize, .. parts]));
        var info = await IdentifyProtocol.ReceivePushAsync(stream).AsTask().WaitAsync(Timeout);
        Assert.True(n > IdentifyProtocol.MaxProtocols, $"the test sent only {n} protocols");
        Assert.Equal(IdentifyProtocol.MaxProtocols, info.Protocols.Count);
        Assert.Equal("/p/0", info.Protocols[0]);
        Assert.DoesNotContain(info.Protocols, p => p.Length > IdentifyProtocol.MaxProtocolIdLength);
    }

    private static IMessage[] Enumerate(int count, Func<IdentifyMessage> make) => [.. Enumerable.Range(0, count).Select(_ => (IMessage)make())];

    [Fact]
    public async Task AMessageLargerThanOnePartIsSplitAndReassembled()
    {
        // ~20 KiB of protocol names: three parts of at most 8 KiB on the wire.
        string[] protocols = Enumerable.Range(0, 400).Select(i => $"/example/protocol/with/a/long/name/{i}/1.0.0").ToArray();
        var big = FullInfo() with { Protocols = protocols };
        var (dialer, listener) = InMemoryDuplex.CreatePair();

        await IdentifyProtocol.RespondAsync(listener, big).AsTask().WaitAsync(Timeout);
        IdentifyInfo received = await IdentifyProtocol.RequestAsync(dialer).AsTask().WaitAsync(Timeout);

        AssertSameInfo(big, received);
    }

    [Fact]
    public async Task AFieldLargerThanTheLimitCannotBeSent()
    {
        var tooBig = FullInfo() with { SignedPeerRecord = new byte[IdentifyProtocol.MaxMessageSize] };
        var (_, listener) = InMemoryDuplex.CreatePair();
        await Assert.ThrowsAsync<IdentifyException>(() => IdentifyProtocol.RespondAsync(listener, tooBig).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task UnparsableListenAndObservedAddressesAreSkippedNotFatal()
    {
        var message = new IdentifyMessage { PublicKey = ByteString.CopyFrom(1), ObservedAddr = ByteString.CopyFrom(0xFF, 0xFF, 0xFF) };
        message.ListenAddrs.Add(ByteString.CopyFrom(0xFF, 0xFF, 0xFF, 0x01));       // unknown protocol code
        message.ListenAddrs.Add(ByteString.Empty);                                  // js skips empty ones too
        message.ListenAddrs.Add(ByteString.CopyFrom(Multiaddr.Parse("/ip4/5.6.7.8/tcp/9").ToBytes()));
        message.ListenAddrs.Add(ByteString.CopyFrom(0x04, 0x01));                    // ip4 cut short

        var stream = await StreamCarrying(Frame(message));
        IdentifyInfo info = await IdentifyProtocol.RequestAsync(stream).AsTask().WaitAsync(Timeout);

        Assert.Equal([Multiaddr.Parse("/ip4/5.6.7.8/tcp/9")], info.ListenAddresses);
        Assert.Null(info.ObservedAddress);
    }

    [Fact]
    public async Task DecodesTheBytesJsLibp2pWrites()
    {
        // Captured from @libp2p/identify 4.1.14: lp.encode.single(Identify.encode(msg)).
        byte[] wire = Convert.FromHexString(
            "7f2a0a697066732f302e312e3032106a732d6c69627032702f332e332e31310a24080112200707070707070707" +
            "0707070707070707070707070707070707070707070707071208047f000001060fa12208040a00000706c8021a0e" +
            "2f697066732f69642f312e302e301a102f697066732f70696e672f312e302e304203010203");
        var stream = await StreamCarrying(wire);

        IdentifyInfo info = await IdentifyProtocol.RequestAsync(stream).AsTask().WaitAsync(Timeout);

        Assert.Equal("ipfs/0.1.0", info.ProtocolVersion);
        Assert.Equal("js-libp2p/3.3.11", info.AgentVersion);
        Assert.Equal([0x08, 0x01, 0x12, 0x20, .. Enumerable.Repeat((byte)7, 32)], info.PublicKey);
        Assert.Equal([Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001")], info.ListenAddresses);
        Assert.Equal(Multiaddr.Parse("/ip4/10.0.0.7/tcp/51202"), info.ObservedAddress);
        Assert.Equal(["/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"], info.Protocols);
        Assert.Equal(new byte[] { 1, 2, 3 }, info.SignedPeerRecord);
    }

    [Fact]
    public void ConstantsMatchTheSpecAndPeers()
    {
        Assert.Equal("/ipfs/id/1.0.0", IdentifyProtocol.ProtocolId);
        Assert.Equal("/ipfs/id/push/1.0.0", IdentifyProtocol.PushProtocolId);
        Assert.Equal(8192, IdentifyProtocol.MaxMessageSize);
        Assert.Equal("ipfs/0.1.0", IdentifyProtocol.DefaultProtocolVersion);
    }
}
