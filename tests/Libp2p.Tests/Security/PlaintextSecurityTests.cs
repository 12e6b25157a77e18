using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Noise;
using Libp2p.Security;
using Libp2p.Security.Plaintext;
using Exchange = Libp2p.Security.Plaintext.Pb.Exchange;

namespace Libp2p.Tests.Security;

public class PlaintextSecurityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly PlaintextSecurity Plaintext = new();

    private static SecurityUpgradeContext Context(PrivateKey key, PeerId? expected = null) => new(key, ["/yamux/1.0.0"], TimeProvider.System, expected);

    [Theory]
    [InlineData(KeyType.Ed25519)]
    [InlineData(KeyType.Secp256k1)]
    [InlineData(KeyType.Ecdsa)]
    [InlineData(KeyType.Rsa)]
    public async Task BothSidesLearnTheOthersIdAndKeyAndBytesPassUnchanged(KeyType type)
    {
        var ck = TestCertificates.HostKey(type);
        var sk = PrivateKey.Generate();
        var (a, b) = InMemoryDuplex.CreatePair();
        var server = Plaintext.SecureInboundAsync(b, Context(sk)).AsTask();
        var client = await Plaintext.SecureOutboundAsync(a, Context(ck, sk.ToPeerId())).AsTask().WaitAsync(Timeout);
        var s = await server.WaitAsync(Timeout);
        Assert.Equal(sk.ToPeerId(), client.RemotePeer);
        Assert.Equal(ck.ToPeerId(), s.RemotePeer);
        Assert.Equal(ck.PublicKey, s.RemotePublicKey);
        Assert.Null(client.Muxer);
        Assert.Equal("/plaintext/2.0.0", s.Protocol);

        // No encryption: the stream is the connection itself, and what follows the exchange is left for the muxer.
        Assert.Same(a, client.Stream);
        await client.Stream.WriteAsync("hi"u8.ToArray());
        var buf = new byte[2];
        await s.Stream.ReadExactlyAsync(buf).AsTask().WaitAsync(Timeout);
        Assert.Equal("hi"u8.ToArray(), buf);
    }

    [Fact]
    public void TheExchangeIsALengthPrefixedProtobufWithTheMultihashIdAndTheKeyProtobuf()
    {
        var key = PrivateKey.Generate();
        var frame = PlaintextSecurity.Encode(key.PublicKey);
        ulong length = Varint.Read(frame, out int prefix);
        Assert.Equal(frame.Length - prefix, (int)length);
        var exchange = Exchange.Parser.ParseFrom(frame.AsSpan(prefix));
        Assert.Equal(key.ToPeerId().ToBytes(), exchange.Id.ToByteArray());
        Assert.Equal(key.PublicKey.ToProtobuf(), exchange.Pubkey.ToByteArray());
    }

    [Fact]
    public async Task AnIdThatDoesNotMatchTheKeyIsRefused()
    {
        var liar = PrivateKey.Generate();
        var claimed = PrivateKey.Generate().ToPeerId();
        var e = await RefusedAsync(new Exchange { Id = ByteString.CopyFrom(claimed.Bytes), Pubkey = ByteString.CopyFrom(liar.PublicKey.ToProtobuf()) });
        Assert.Contains(claimed.ToString(), e.Message);
        Assert.Contains(liar.ToPeerId().ToString(), e.Message);
    }

    [Fact]
    public async Task ABadOrMissingKeyIsRefused()
    {
        var id = ByteString.CopyFrom(PrivateKey.Generate().ToPeerId().Bytes);
        var e = await RefusedAsync(new Exchange { Id = id, Pubkey = ByteString.CopyFrom(0x08, 0x01, 0x12, 0x03, 1, 2, 3) });
        Assert.Contains("public key is invalid", e.Message);
        e = await RefusedAsync(new Exchange { Id = id, Pubkey = ByteString.CopyFrom(0x08, 0x09, 0x12, 0x01, 0) });
        Assert.Contains("unsupported type", e.Message);
        e = await RefusedAsync(new Exchange { Id = id });
        Assert.Contains("no public key", e.Message);
        e = await RefusedAsync(new Exchange { Pubkey = ByteString.CopyFrom(PrivateKey.Generate().PublicKey.ToProtobuf()) });
        Assert.Contains("no peer id", e.Message);
    }

    [Fact]
    public async Task ADialerExpectingAnotherPeerRefusesAndNamesBothIds()
    {
        var sk = PrivateKey.Generate();
        var expected = PrivateKey.Generate().ToPeerId();
        var (a, b) = InMemoryDuplex.CreatePair();
        _ = Plaintext.SecureInboundAsync(b, Context(sk)).AsTask();
        var e = await Assert.ThrowsAsync<PeerIdMismatchException>(() => Plaintext.SecureOutboundAsync(a, Context(PrivateKey.Generate(), expected)).AsTask().WaitAsync(Timeout));
        Assert.Equal(expected, e.Expected);
        Assert.Equal(sk.ToPeerId(), e.Actual);
    }

    [Fact]
    public async Task AnOversizedTruncatedOrMalformedExchangeIsRefusedBeforeAllocatingIt()
    {
        Assert.Contains("longer than", (await RefusedRawAsync(Varint.Encode(PlaintextSecurity.MaxExchangeLength + 1))).Message);
        Assert.Contains("longer than", (await RefusedRawAsync([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).Message);
        Assert.Contains("closed inside", (await RefusedRawAsync([0x10, 1, 2, 3], close: true)).Message);
        Assert.Contains("closed before", (await RefusedRawAsync([], close: true)).Message);
        Assert.Contains("malformed", (await RefusedRawAsync([0x02, 0xff, 0xff])).Message);
    }

    private static Task<SecurityHandshakeException> RefusedAsync(Exchange exchange)
    {
        var body = exchange.ToByteArray();
        return RefusedRawAsync([.. Varint.Encode((ulong)body.Length), .. body]);
    }

    private static async Task<SecurityHandshakeException> RefusedRawAsync(byte[] bytes, bool close = false)
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        await a.WriteAsync(bytes);
        if (close) await a.CloseWriteAsync();
        var e = await Assert.ThrowsAsync<SecurityHandshakeException>(() => Plaintext.SecureInboundAsync(b, Context(PrivateKey.Generate())).AsTask().WaitAsync(Timeout));
        Assert.Equal("/plaintext/2.0.0", e.Protocol);
        return e;
    }
}
