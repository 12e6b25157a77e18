using System.Buffers.Binary;
using Libp2p.Core;
using Libp2p.Crypto;
using Libp2p.Identity;
using Libp2p.Noise;

namespace Libp2p.Tests.Noise;

public class NoiseHandshakeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    internal static readonly Lazy<PrivateKey> Identity = new(() => PrivateKey.Generate());
    private static readonly string[] Yamux = ["/yamux/1.0.0"];

    private static async Task<(NoiseConnection Initiator, NoiseConnection Responder)> Handshake(
        PrivateKey i, PrivateKey r, IReadOnlyList<string> iMuxers, IReadOnlyList<string> rMuxers, PeerId? expected = null, CryptoProvider? crypto = null)
    {
        crypto ??= CryptoProvider.Default;
        var (a, b) = InMemoryDuplex.CreatePair();
        var responder = NoiseHandshake.RespondAsync(b, r, rMuxers, crypto, default).AsTask();
        var initiator = NoiseHandshake.InitiateAsync(a, i, expected, iMuxers, crypto, default).AsTask();
        return (await initiator.WaitAsync(Timeout), await responder.WaitAsync(Timeout));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BothSidesLearnEachOthersIdentityAndTalk(bool managed)
    {
        var ik = PrivateKey.Generate();
        var rk = PrivateKey.Generate();
        var (i, r) = await Handshake(ik, rk, Yamux, Yamux, expected: rk.ToPeerId(), crypto: managed ? CryptoProvider.Managed : CryptoProvider.Default);
        Assert.Equal(rk.ToPeerId(), i.RemotePeer);
        Assert.Equal(ik.ToPeerId(), r.RemotePeer);
        Assert.Equal(rk.PublicKey, i.RemotePublicKey);
        Assert.Equal(ik.PublicKey, r.RemotePublicKey);
        Assert.Equal("/yamux/1.0.0", i.NegotiatedMuxer);
        Assert.Equal("/yamux/1.0.0", r.NegotiatedMuxer);

        await i.WriteAsync("ping"u8.ToArray());
        var buf = new byte[4];
        await r.ReadExactlyAsync(buf).AsTask().WaitAsync(Timeout);
        Assert.Equal("ping"u8.ToArray(), buf);
        await r.WriteAsync("pong"u8.ToArray());
        await i.ReadExactlyAsync(buf).AsTask().WaitAsync(Timeout);
        Assert.Equal("pong"u8.ToArray(), buf);
    }

    [Fact]
    public async Task MuxerFollowsInitiatorPreferenceOrFallsBackToNull()
    {
        var (i, r) = await Handshake(Identity.Value, PrivateKey.Generate(), ["/yamux/1.0.0", "/mplex/6.7.0"], ["/mplex/6.7.0", "/yamux/1.0.0"]);
        Assert.Equal("/yamux/1.0.0", i.NegotiatedMuxer);
        Assert.Equal("/yamux/1.0.0", r.NegotiatedMuxer);

        (i, r) = await Handshake(Identity.Value, PrivateKey.Generate(), [], Yamux);
        Assert.Null(i.NegotiatedMuxer);
        Assert.Null(r.NegotiatedMuxer);
    }

    [Fact]
    public async Task DisjointMuxersFailBothSides()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var responder = NoiseHandshake.RespondAsync(b, PrivateKey.Generate(), ["/mplex/6.7.0"]).AsTask();
        var initiator = NoiseHandshake.InitiateAsync(a, Identity.Value, null, Yamux).AsTask();
        await Assert.ThrowsAsync<NoiseHandshakeException>(() => initiator.WaitAsync(Timeout));
        a.Abort();
        await Assert.ThrowsAnyAsync<Exception>(() => responder.WaitAsync(Timeout));
    }

    [Fact]
    public async Task WrongExpectedPeerNamesBothIds()
    {
        var rk = PrivateKey.Generate();
        var other = PrivateKey.Generate().ToPeerId();
        var (a, b) = InMemoryDuplex.CreatePair();
        var responder = NoiseHandshake.RespondAsync(b, rk, Yamux).AsTask();
        var ex = await Assert.ThrowsAsync<PeerIdMismatchException>(() => NoiseHandshake.InitiateAsync(a, Identity.Value, other, Yamux).AsTask().WaitAsync(Timeout));
        Assert.Equal(other, ex.Expected);
        Assert.Equal(rk.ToPeerId(), ex.Actual);
        Assert.Contains(other.ToString(), ex.Message);
        Assert.Contains(rk.ToPeerId().ToString(), ex.Message);
        a.Abort();
        await Assert.ThrowsAnyAsync<Exception>(() => responder.WaitAsync(Timeout));
    }

    private static async Task WriteFrame(IDuplexStream s, byte[] message)
    {
        var frame = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)message.Length);
        message.CopyTo(frame, 2);
        await s.WriteAsync(frame);
    }

    private static async Task<byte[]> ReadFrame(IDuplexStream s)
    {
        var prefix = new byte[2];
        await s.ReadExactlyAsync(prefix).AsTask().WaitAsync(Timeout);
        var m = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await s.ReadExactlyAsync(m).AsTask().WaitAsync(Timeout);
        return m;
    }

    /// <summary>A hand-driven responder whose message 2 carries <paramref name="payload"/> built from its static key.</summary>
    private static async Task<Exception> InitiatorAgainstForgedResponder(Func<byte[], byte[]> payload)
    {
        var crypto = CryptoProvider.Default;
        var (a, b) = InMemoryDuplex.CreatePair();
        var initiator = NoiseHandshake.InitiateAsync(a, Identity.Value, null, Yamux).AsTask();
        var s = new byte[32];
        crypto.GetRandomBytes(s);
        var state = new NoiseXXHandshakeState(false, crypto, s, []);
        state.ReadMessage(await ReadFrame(b));
        await WriteFrame(b, state.WriteMessage(payload(state.LocalStaticPublicKey.ToArray())));
        return await Assert.ThrowsAnyAsync<Exception>(() => initiator.WaitAsync(Timeout));
    }

    [Fact]
    public async Task SignatureOverAnotherStaticKeyIsRejected()
    {
        var key = PrivateKey.Generate();
        var ex = await InitiatorAgainstForgedResponder(staticKey =>
        {
            var other = (byte[])staticKey.Clone();
            other[0] ^= 1;
            return NoiseHandshake.BuildPayload(key, other, Yamux);
        });
        Assert.IsType<NoiseHandshakeException>(ex);
        Assert.Contains("signature", ex.Message);
    }

    [Fact]
    public async Task IdentityKeyOfSomeoneElseIsRejected()
    {
        // Signed by one key, claiming another: the signature cannot verify under the claimed key.
        var signer = PrivateKey.Generate();
        var claimed = PrivateKey.Generate();
        var ex = await InitiatorAgainstForgedResponder(staticKey =>
        {
            var real = NoiseHandshakePayload.Decode(NoiseHandshake.BuildPayload(signer, staticKey, Yamux));
            return new NoiseHandshakePayload { IdentityKey = claimed.PublicKey.ToProtobuf(), IdentitySignature = real.IdentitySignature, StreamMuxers = Yamux }.Encode();
        });
        Assert.IsType<NoiseHandshakeException>(ex);
    }

    [Fact]
    public async Task GarbageIdentityKeyIsRejected()
    {
        var ex = await InitiatorAgainstForgedResponder(_ => new NoiseHandshakePayload { IdentityKey = [8, 1, 18, 1, 0], IdentitySignature = new byte[64] }.Encode());
        Assert.IsType<NoiseHandshakeException>(ex);
    }

    [Fact]
    public async Task MissingIdentityIsRejected()
    {
        var ex = await InitiatorAgainstForgedResponder(_ => []);
        Assert.IsType<NoiseHandshakeException>(ex);
    }

    [Fact]
    public async Task TamperedHandshakeMessageIsRejected()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var (c, d) = InMemoryDuplex.CreatePair();
        // initiator <-> a|b <-> test <-> c|d <-> responder, with message 2 altered in flight.
        var initiator = NoiseHandshake.InitiateAsync(a, Identity.Value, null, Yamux).AsTask();
        var responder = NoiseHandshake.RespondAsync(d, PrivateKey.Generate(), Yamux).AsTask();
        await WriteFrame(c, await ReadFrame(b));
        var m2 = await ReadFrame(c);
        m2[^1] ^= 1;
        await WriteFrame(b, m2);
        await Assert.ThrowsAsync<NoiseHandshakeException>(() => initiator.WaitAsync(Timeout));
        c.Abort();
        await Assert.ThrowsAnyAsync<Exception>(() => responder.WaitAsync(Timeout));
    }

    [Fact]
    public async Task ConnectionClosedMidHandshakeIsAHandshakeError()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var responder = NoiseHandshake.RespondAsync(b, Identity.Value, Yamux).AsTask();
        await a.WriteAsync(new byte[] { 0, 32, 1, 2, 3 });
        await a.CloseWriteAsync();
        await Assert.ThrowsAsync<NoiseHandshakeException>(() => responder.WaitAsync(Timeout));
    }

    [Fact]
    public async Task DataSentRightAfterTheHandshakeIsNotLost()
    {
        // The initiator writes at once after message 3; the responder's exact handshake reads leave it in place.
        var (a, b) = InMemoryDuplex.CreatePair();
        var responder = NoiseHandshake.RespondAsync(b, PrivateKey.Generate(), Yamux).AsTask();
        var i = await NoiseHandshake.InitiateAsync(a, Identity.Value, null, Yamux).AsTask().WaitAsync(Timeout);
        await i.WriteAsync(new byte[] { 1, 2, 3 });
        await i.CloseWriteAsync();
        var r = await responder.WaitAsync(Timeout);
        var buf = new byte[3];
        await r.ReadExactlyAsync(buf).AsTask().WaitAsync(Timeout);
        Assert.Equal(new byte[] { 1, 2, 3 }, buf);
        Assert.Equal(0, await r.ReadAsync(buf).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task MultistreamThenNoiseThenMuxerOnOneStream()
    {
        // The upgrade path as js runs it: multistream-select for /noise, the handshake, then the early muxer.
        var (a, b) = InMemoryDuplex.CreatePair();
        var listener = Task.Run(async () =>
        {
            var p = await Libp2p.Multistream.MultistreamSelect.HandleAsync(b, x => x == NoiseHandshake.ProtocolId);
            Assert.Equal("/noise", p);
            return await NoiseHandshake.RespondAsync(b, PrivateKey.Generate(), Yamux);
        });
        var lazy = Libp2p.Multistream.MultistreamSelect.SelectLazy(a, NoiseHandshake.ProtocolId);
        var i = await NoiseHandshake.InitiateAsync(lazy, Identity.Value, null, Yamux).AsTask().WaitAsync(Timeout);
        var r = await listener.WaitAsync(Timeout);
        Assert.Equal("/yamux/1.0.0", i.NegotiatedMuxer);
        Assert.Equal(Identity.Value.ToPeerId(), r.RemotePeer);
    }
}
