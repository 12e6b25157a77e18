using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Noise;
using Libp2p.Security;
using Libp2p.Security.Tls;

namespace Libp2p.Tests.Security;

public class TlsHandshakeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly string[] Yamux = ["/yamux/1.0.0"];

    internal static async Task<(SecuredConnection Client, SecuredConnection Server)> HandshakeAsync(
        PrivateKey client, PrivateKey server, IReadOnlyList<string>? clientMuxers = null, IReadOnlyList<string>? serverMuxers = null,
        PeerId? expected = null, TlsSecurity? clientTls = null, TlsSecurity? serverTls = null)
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var time = TimeProvider.System;
        var s = (serverTls ?? new TlsSecurity()).SecureInboundAsync(b, new SecurityUpgradeContext(server, serverMuxers ?? Yamux, time)).AsTask();
        var c = (clientTls ?? new TlsSecurity()).SecureOutboundAsync(a, new SecurityUpgradeContext(client, clientMuxers ?? Yamux, time, expected)).AsTask();
        try
        {
            return (await c.WaitAsync(Timeout), await s.WaitAsync(Timeout));
        }
        finally
        {
            // A failing side leaves the other waiting: end both.
            if (!c.IsCompletedSuccessfully || !s.IsCompletedSuccessfully) { a.Abort(); b.Abort(); }
        }
    }

    [Theory]
    [InlineData(KeyType.Ed25519)]
    [InlineData(KeyType.Secp256k1)]
    [InlineData(KeyType.Ecdsa)]
    [InlineData(KeyType.Rsa)]
    public async Task BothSidesProveTheirPeerIdAndTalk(KeyType type)
    {
        var ck = TestCertificates.HostKey(type);
        var sk = type == KeyType.Rsa ? PrivateKey.Generate(KeyType.Ecdsa) : TestCertificates.HostKey(type);
        var (c, s) = await HandshakeAsync(ck, sk, expected: sk.ToPeerId());
        Assert.Equal(sk.ToPeerId(), c.RemotePeer);
        Assert.Equal(ck.ToPeerId(), s.RemotePeer);
        Assert.Equal(sk.PublicKey, c.RemotePublicKey);
        Assert.Equal(ck.PublicKey, s.RemotePublicKey);
        Assert.Equal(TlsSecurity.Id, c.Protocol);

        await c.Stream.WriteAsync("ping"u8.ToArray()).AsTask().WaitAsync(Timeout);
        var buf = new byte[4];
        await s.Stream.ReadExactlyAsync(buf).AsTask().WaitAsync(Timeout);
        Assert.Equal("ping"u8.ToArray(), buf);
        await s.Stream.WriteAsync("pong"u8.ToArray()).AsTask().WaitAsync(Timeout);
        await c.Stream.ReadExactlyAsync(buf).AsTask().WaitAsync(Timeout);
        Assert.Equal("pong"u8.ToArray(), buf);
    }

    [Fact]
    public async Task AlpnAgreesTheMuxerEarlyOrFallsBackToLibp2p()
    {
        var (c, s) = await HandshakeAsync(PrivateKey.Generate(), PrivateKey.Generate());
        Assert.Equal("/yamux/1.0.0", c.Muxer);
        Assert.Equal("/yamux/1.0.0", s.Muxer);

        // A client that offers no muxer gets "libp2p": the muxer is then negotiated with multistream-select.
        (c, s) = await HandshakeAsync(PrivateKey.Generate(), PrivateKey.Generate(), clientMuxers: []);
        Assert.Null(c.Muxer);
        Assert.Null(s.Muxer);
    }

    [Fact]
    public async Task AClientExpectingAnotherPeerRefusesAndNamesBothIds()
    {
        var sk = PrivateKey.Generate();
        var other = PrivateKey.Generate().ToPeerId();
        var e = await Assert.ThrowsAsync<PeerIdMismatchException>(() => HandshakeAsync(PrivateKey.Generate(), sk, expected: other));
        Assert.Equal(other, e.Expected);
        Assert.Equal(sk.ToPeerId(), e.Actual);
        Assert.Contains(other.ToString(), e.Message);
        Assert.Contains(sk.ToPeerId().ToString(), e.Message);
    }

    [Fact]
    public async Task HalfCloseDeliversEndOfStreamAndTheOtherDirectionGoesOn()
    {
        var (c, s) = await HandshakeAsync(PrivateKey.Generate(), PrivateKey.Generate());
        await c.Stream.WriteAsync("last"u8.ToArray()).AsTask().WaitAsync(Timeout);
        await c.Stream.CloseWriteAsync().AsTask().WaitAsync(Timeout);
        var buf = new byte[4];
        await s.Stream.ReadExactlyAsync(buf).AsTask().WaitAsync(Timeout);
        Assert.Equal(0, await s.Stream.ReadAsync(new byte[8]).AsTask().WaitAsync(Timeout));

        await s.Stream.WriteAsync("back"u8.ToArray()).AsTask().WaitAsync(Timeout);
        await c.Stream.ReadExactlyAsync(buf).AsTask().WaitAsync(Timeout);
        Assert.Equal("back"u8.ToArray(), buf);
        await s.Stream.CloseWriteAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(0, await c.Stream.ReadAsync(new byte[8]).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task TheSecureStreamHonoursTheZeroByteReadContract()
    {
        var (c, s) = await HandshakeAsync(PrivateKey.Generate(), PrivateKey.Generate());
        await Libp2p.Tests.Core.ZeroByteReadContract.AssertAsync(c.Stream, s.Stream);
    }

    [Fact]
    public async Task APeerWhoseClockIsPastOurCertificatesValidityRefusesIt()
    {
        // The server's clock is 200 years ahead: our certificate (valid ~100 years) has expired by it.
        var (a, b) = InMemoryDuplex.CreatePair();
        var future = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddYears(200));
        var server = new TlsSecurity().SecureInboundAsync(b, new SecurityUpgradeContext(PrivateKey.Generate(), Yamux, future)).AsTask();
        var client = new TlsSecurity().SecureOutboundAsync(a, new SecurityUpgradeContext(PrivateKey.Generate(), Yamux, TimeProvider.System)).AsTask();
        var e = await Assert.ThrowsAsync<TlsCertificateException>(() => server.WaitAsync(Timeout));
        Assert.Equal(TlsCertificateError.Expired, e.Error);
        a.Abort();
        await Assert.ThrowsAnyAsync<Exception>(() => client.WaitAsync(Timeout));
    }

    [Fact]
    public async Task ACertificateWithoutTheExtensionFailsTheHandshakeOnTheOtherSide()
    {
        var identity = PrivateKey.Generate();
        var bad = new TestCertificates { Identity = identity, IncludeExtension = false };
        var credentials = new TlsCredentials(identity, bad.Build(), bad.CertKey);
        var e = await Assert.ThrowsAsync<TlsCertificateException>(
            () => HandshakeAsync(identity, PrivateKey.Generate(), serverTls: new TlsSecurity(credentials)));
        Assert.Equal(TlsCertificateError.MissingExtension, e.Error);
    }

    [Fact]
    public void TheCallbackRefusesAChainOfMoreThanOneCertificateOrNone()
    {
        var context = new SecurityUpgradeContext(PrivateKey.Generate(), Yamux, TimeProvider.System);
        var leaf = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(TlsCertificate.Generate(PrivateKey.Generate(), DateTimeOffset.UtcNow).Der);
        var other = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(TlsCertificate.Generate(PrivateKey.Generate(), DateTimeOffset.UtcNow).Der);

        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.ExtraStore.Add(other);
        var check = new TlsRemoteCheck(context);
        Assert.False(check.Validate(this, leaf, chain, System.Net.Security.SslPolicyErrors.None));
        Assert.Equal(TlsCertificateError.TooManyCertificates, Assert.IsType<TlsCertificateException>(check.Failure).Error);

        check = new TlsRemoteCheck(context);
        Assert.False(check.Validate(this, null, null, System.Net.Security.SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.Equal(TlsCertificateError.Missing, Assert.IsType<TlsCertificateException>(check.Failure).Error);

        // The leaf alone (SslStream may list it in the extra store too) is accepted.
        using var single = new System.Security.Cryptography.X509Certificates.X509Chain();
        single.ChainPolicy.ExtraStore.Add(leaf);
        check = new TlsRemoteCheck(context);
        Assert.True(check.Validate(this, leaf, single, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.NotNull(check.Remote);
    }
}
