using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Noise;
using Libp2p.Security;
using Libp2p.Security.Tls;
using Libp2p.Security.Tls.Managed;
using Libp2p.Tests.Host;

namespace Libp2p.Tests.Security;

/// <summary>
/// The managed TLS engine (BouncyCastle, what runs inside Wasm) against SslStream (OpenSSL) in both roles, and
/// against itself: same handshake, same muxer choice, same data path behaviour, same exceptions.
/// </summary>
public class ManagedTlsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly string[] Yamux = ["/yamux/1.0.0"];

    private static TlsSecurity Engine(string name, TlsCredentials? fixedCredentials = null) =>
        fixedCredentials is null ? new TlsSecurity { ManagedEngine = name == "managed" } : new TlsSecurity(fixedCredentials) { ManagedEngine = name == "managed" };

    /// <summary>Client engine, server engine: each pairing that has the managed engine on at least one side.</summary>
    public static TheoryData<string, string> Pairings => new()
    {
        { "managed", "sslstream" },
        { "sslstream", "managed" },
        { "managed", "managed" },
    };

    private static Task<(SecuredConnection Client, SecuredConnection Server)> HandshakeAsync(
        string client, string server, PrivateKey? clientKey = null, PrivateKey? serverKey = null,
        IReadOnlyList<string>? clientMuxers = null, IReadOnlyList<string>? serverMuxers = null, PeerId? expected = null,
        TlsCredentials? clientCredentials = null, TlsCredentials? serverCredentials = null) =>
        TlsHandshakeTests.HandshakeAsync(clientKey ?? PrivateKey.Generate(), serverKey ?? PrivateKey.Generate(), clientMuxers, serverMuxers, expected,
            Engine(client, clientCredentials), Engine(server, serverCredentials));

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Pairings))]
    public async Task BothSidesProveTheirPeerIdAndAgreeTheMuxerThroughAlpn(string client, string server)
    {
        var ck = PrivateKey.Generate();
        var sk = PrivateKey.Generate(KeyType.Secp256k1);
        var (c, s) = await HandshakeAsync(client, server, ck, sk, expected: sk.ToPeerId());
        Assert.Equal(sk.ToPeerId(), c.RemotePeer);
        Assert.Equal(ck.ToPeerId(), s.RemotePeer);
        Assert.Equal(sk.PublicKey, c.RemotePublicKey);
        Assert.Equal(ck.PublicKey, s.RemotePublicKey);
        Assert.Equal(TlsSecurity.Id, c.Protocol);
        Assert.Equal(TlsSecurity.Id, s.Protocol);
        Assert.Equal("/yamux/1.0.0", c.Muxer);
        Assert.Equal("/yamux/1.0.0", s.Muxer);
        Assert.Equal(client == "managed", c.Stream is ManagedTlsConnection);
        Assert.Equal(server == "managed", s.Stream is ManagedTlsConnection);
    }

    [Theory]
    [MemberData(nameof(Pairings))]
    public async Task MoreThan64KiBEchoBothWaysAtOnce(string client, string server)
    {
        var (c, s) = await HandshakeAsync(client, server);
        byte[] up = Pattern(200_000, 1), down = Pattern(150_001, 2);

        // Both directions at once, writes of odd sizes: records cut across writes and reads interleave with writes.
        var send = Task.WhenAll(WriteInPiecesAsync(c.Stream, up, 70_001), WriteInPiecesAsync(s.Stream, down, 9_999));
        var received = await Task.WhenAll(ReadExactlyAsync(s.Stream, up.Length), ReadExactlyAsync(c.Stream, down.Length)).WaitAsync(Timeout);
        await send.WaitAsync(Timeout);
        Assert.Equal(up, received[0]);
        Assert.Equal(down, received[1]);
    }

    private static async Task WriteInPiecesAsync(IDuplexStream stream, byte[] data, int piece)
    {
        for (int i = 0; i < data.Length; i += piece)
            await stream.WriteAsync(data.AsMemory(i, Math.Min(piece, data.Length - i)));
    }

    private static async Task<byte[]> ReadExactlyAsync(IDuplexStream stream, int length)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer);
        return buffer;
    }

    [Theory]
    [MemberData(nameof(Pairings))]
    public async Task HalfCloseEndsOneDirectionAndTheOtherGoesOn(string client, string server)
    {
        var (c, s) = await HandshakeAsync(client, server);
        await c.Stream.WriteAsync("last"u8.ToArray()).AsTask().WaitAsync(Timeout);
        await c.Stream.CloseWriteAsync().AsTask().WaitAsync(Timeout);
        var buf = new byte[4];
        await s.Stream.ReadExactlyAsync(buf).AsTask().WaitAsync(Timeout);
        Assert.Equal("last"u8.ToArray(), buf);
        Assert.Equal(0, await s.Stream.ReadAsync(new byte[8]).AsTask().WaitAsync(Timeout));

        // The server still writes after the client's close_notify, and the client still reads after sending its own.
        var tail = Pattern(40_000, 3);
        await s.Stream.WriteAsync(tail).AsTask().WaitAsync(Timeout);
        await s.Stream.CloseWriteAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(tail, await ReadExactlyAsync(c.Stream, tail.Length).WaitAsync(Timeout));
        Assert.Equal(0, await c.Stream.ReadAsync(new byte[8]).AsTask().WaitAsync(Timeout));
    }

    [Theory]
    [MemberData(nameof(Pairings))]
    public async Task TheSecureStreamHonoursTheZeroByteReadContract(string client, string server)
    {
        var (c, s) = await HandshakeAsync(client, server);
        await Libp2p.Tests.Core.ZeroByteReadContract.AssertAsync(c.Stream, s.Stream);
        await Libp2p.Tests.Core.ZeroByteReadContract.AssertAsync(s.Stream, c.Stream);
    }

    [Fact]
    public async Task AnIdleManagedConnectionHoldsNoReceiveBuffer()
    {
        var (c, s) = await HandshakeAsync("managed", "managed");
        var managed = (ManagedTlsConnection)s.Stream;
        await c.Stream.WriteAsync(Pattern(100_000, 4)).AsTask().WaitAsync(Timeout);
        await ReadExactlyAsync(s.Stream, 100_000).WaitAsync(Timeout);
        Assert.False(managed.HoldsReceiveBuffer);
    }

    [Theory]
    [InlineData("managed", "sslstream")]
    [InlineData("sslstream", "managed")]
    public async Task HostsOverTcpPingThroughTheManagedEngine(string dialer, string listener)
    {
        // The whole upgrade: optimistic multistream-select with the ClientHello in the same write, yamux agreed by ALPN.
        var (server, addr) = await Hosts.CreateListeningAsync(o => { o.SecurityProtocols.Clear(); o.SecurityProtocols.Add(Engine(listener)); });
        await using var _ = server;
        await using var client = Hosts.Create(o => { o.SecurityProtocols.Clear(); o.SecurityProtocols.Add(Engine(dialer)); });
        var conn = await client.DialAsync(addr).AsTask().WaitAsync(Timeout);
        Assert.Equal(TlsSecurity.Id, conn.SecurityProtocol);
        Assert.Equal(server.PeerId, conn.RemotePeer);
        for (int i = 0; i < 3; i++)
            Assert.True(await client.PingAsync(conn).AsTask().WaitAsync(Timeout) > TimeSpan.Zero);
    }

    [Theory]
    [InlineData("managed", "sslstream")]
    [InlineData("sslstream", "managed")]
    public async Task TheServerPicksTheFirstMuxerOfItsOwnListAsSslStreamDoes(string client, string server)
    {
        // The client prefers mplex, the server yamux: both engines answer with the server's first (docs/interop.md).
        var (c, s) = await HandshakeAsync(client, server, clientMuxers: ["/mplex/6.7.0", "/yamux/1.0.0"], serverMuxers: ["/yamux/1.0.0", "/mplex/6.7.0"]);
        Assert.Equal("/yamux/1.0.0", c.Muxer);
        Assert.Equal("/yamux/1.0.0", s.Muxer);

        // No muxer in common, or none offered: "libp2p", i.e. multistream-select afterwards.
        (c, s) = await HandshakeAsync(client, server, clientMuxers: ["/mplex/6.7.0"], serverMuxers: Yamux);
        Assert.Null(c.Muxer);
        Assert.Null(s.Muxer);
        (c, s) = await HandshakeAsync(client, server, clientMuxers: []);
        Assert.Null(c.Muxer);
        Assert.Null(s.Muxer);
    }

    [Theory]
    [InlineData("managed", "sslstream")]
    [InlineData("managed", "managed")]
    [InlineData("sslstream", "managed")]
    [InlineData("sslstream", "sslstream")]
    public async Task AClientExpectingAnotherPeerRefusesWithTheSameExceptionOnBothEngines(string client, string server)
    {
        var sk = PrivateKey.Generate();
        var other = PrivateKey.Generate().ToPeerId();
        var e = await Assert.ThrowsAsync<PeerIdMismatchException>(() => HandshakeAsync(client, server, serverKey: sk, expected: other));
        Assert.Equal(other, e.Expected);
        Assert.Equal(sk.ToPeerId(), e.Actual);
    }

    [Theory]
    [InlineData("managed", "sslstream")]
    [InlineData("managed", "managed")]
    [InlineData("sslstream", "managed")]
    public async Task AServerCertificateWithoutTheExtensionIsRefusedByTheClient(string client, string server)
    {
        var identity = PrivateKey.Generate();
        var bad = new TestCertificates { Identity = identity, IncludeExtension = false };
        var e = await Assert.ThrowsAsync<TlsCertificateException>(
            () => HandshakeAsync(client, server, serverKey: identity, serverCredentials: new TlsCredentials(identity, bad.Build(), bad.CertKey)));
        Assert.Equal(TlsCertificateError.MissingExtension, e.Error);
    }

    [Theory]
    [InlineData("sslstream", "managed")]
    [InlineData("managed", "managed")]
    [InlineData("managed", "sslstream")]
    [InlineData("sslstream", "sslstream")]
    public async Task AClientCertificateSignedByAnotherHostKeyIsRefusedByTheServer(string client, string server)
    {
        // The extension is signed by a key that is not the one it carries: the server refuses it, whichever engine.
        var identity = PrivateKey.Generate();
        var spoof = new TestCertificates { Identity = identity, ExtensionValue = TlsCertificate.SignedKey(PrivateKey.Generate(), new byte[91]) };
        var (a, b) = InMemoryDuplex.CreatePair();
        var serverTask = Engine(server).SecureInboundAsync(b, new SecurityUpgradeContext(PrivateKey.Generate(), Yamux, TimeProvider.System)).AsTask();
        var clientTask = Engine(client, new TlsCredentials(identity, spoof.Build(), spoof.CertKey))
            .SecureOutboundAsync(a, new SecurityUpgradeContext(identity, Yamux, TimeProvider.System)).AsTask();
        var e = await Assert.ThrowsAsync<TlsCertificateException>(() => serverTask.WaitAsync(Timeout));
        Assert.Equal(TlsCertificateError.BadExtensionSignature, e.Error);
        // TLS 1.3: the client may have finished before the server refused it; either way it sees the end.
        a.Abort();
        try { var c = await clientTask.WaitAsync(Timeout); await c.Stream.DisposeAsync(); }
        catch (Exception x) when (x is SecurityHandshakeException or IOException or Libp2pException) { }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AHandshakeWaitingOnASilentPeerEndsWhenCancelled(bool isServer)
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var tls = Engine("managed");
        var context = new SecurityUpgradeContext(PrivateKey.Generate(), Yamux, TimeProvider.System);
        using var cts = new CancellationTokenSource();
        var handshake = (isServer ? tls.SecureInboundAsync(a, context, cts.Token) : tls.SecureOutboundAsync(a, context, cts.Token)).AsTask();
        if (!isServer)
        {
            // The ClientHello went out: the client now waits for the server's answer.
            var hello = new byte[5];
            await b.ReadExactlyAsync(hello).AsTask().WaitAsync(Timeout);
            Assert.Equal(22, hello[0]); // a handshake record
        }
        Assert.False(handshake.IsCompleted);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handshake.WaitAsync(Timeout));
    }

    [Fact]
    public async Task ARecordLongerThanTls13AllowsIsRefusedFromItsHeader()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var client = Engine("managed").SecureOutboundAsync(a, new SecurityUpgradeContext(PrivateKey.Generate(), Yamux, TimeProvider.System)).AsTask();
        var header = new byte[5];
        await b.ReadExactlyAsync(header).AsTask().WaitAsync(Timeout);
        await b.ReadExactlyAsync(new byte[(header[3] << 8) | header[4]]).AsTask().WaitAsync(Timeout); // the ClientHello

        // A handshake record announcing 65535 bytes, and nothing after it: refused without waiting for the body.
        await b.WriteAsync(new byte[] { 22, 3, 3, 0xff, 0xff }).AsTask().WaitAsync(Timeout);
        var e = await Assert.ThrowsAsync<SecurityHandshakeException>(() => client.WaitAsync(Timeout));
        Assert.Contains("record_overflow", e.Message);
        // The remote is told why: a fatal record_overflow alert.
        var alert = new byte[7];
        await b.ReadExactlyAsync(alert).AsTask().WaitAsync(Timeout);
        Assert.Equal(21, alert[0]);
        Assert.Equal(2, alert[5]);
        Assert.Equal(22, alert[6]);
    }
}
