using Libp2p.Core;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multistream;
using Libp2p.Protocols.Echo;
using Libp2p.Security;
using Libp2p.Security.Noise;
using Libp2p.Security.Plaintext;
using Libp2p.Security.Tls;
using Libp2p.Tests.Security;

namespace Libp2p.Tests.Host;

public class SecurityNegotiationTests
{
    private static readonly TimeSpan T = Hosts.Timeout;

    private static ISecurityProtocol Protocol(string name) => name switch
    {
        "noise" => new NoiseSecurity(),
        "tls" => new TlsSecurity(),
        "plaintext" => new PlaintextSecurity(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static Action<HostOptions> Using(PrivateKey? key, params string[] security) => o =>
    {
        if (key is not null) o.Identity = key;
        o.SecurityProtocols.Clear();
        foreach (var s in security) o.SecurityProtocols.Add(Protocol(s));
    };

    [Fact]
    public void TheDefaultIsNoiseThenTlsAndNeverPlaintext()
    {
        var ids = new HostOptions().SecurityProtocols.Select(p => p.ProtocolId).ToArray();
        Assert.Equal(["/noise", "/tls/1.0.0"], ids);
    }

    [Fact]
    public async Task ADialerPreferringNoiseFallsBackToTlsWhenTheListenerOnlySpeaksTls()
    {
        var (server, addr) = await Hosts.CreateListeningAsync(Using(null, "tls"));
        await using var _ = server;
        await using var client = Hosts.Create(Using(null, "noise", "tls"));

        var conn = await client.DialAsync(addr).AsTask().WaitAsync(T);
        Assert.Equal("/tls/1.0.0", conn.SecurityProtocol);
        Assert.Equal(server.PeerId, conn.RemotePeer);
        Assert.True(await client.PingAsync(conn).AsTask().WaitAsync(T) > TimeSpan.Zero);
        var opened = (HostEvent.ConnectionOpened)await Hosts.NextEventAsync<HostEvent.ConnectionOpened>(server);
        Assert.Equal("/tls/1.0.0", opened.Connection.SecurityProtocol);
    }

    [Fact]
    public async Task TheFirstCommonProtocolInTheDialersOrderWins()
    {
        var (server, addr) = await Hosts.CreateListeningAsync(Using(null, "noise", "tls"));
        await using var _ = server;
        await using var client = Hosts.Create(Using(null, "tls", "noise"));
        var conn = await client.DialAsync(addr).AsTask().WaitAsync(T);
        Assert.Equal("/tls/1.0.0", conn.SecurityProtocol);
    }

    [Fact]
    public async Task NoCommonProtocolFailsNamingWhatWasOffered()
    {
        var (server, addr) = await Hosts.CreateListeningAsync(Using(null, "plaintext"));
        await using var _ = server;

        await using var several = Hosts.Create(Using(null, "noise", "tls"));
        var e = await Assert.ThrowsAsync<MultistreamException>(() => several.DialAsync(addr).AsTask().WaitAsync(T));
        Assert.Equal(MultistreamError.NoProtocolSupported, e.Error);
        Assert.Contains("/noise, /tls/1.0.0", e.Message);

        await using var single = Hosts.Create(Using(null, "tls"));
        e = await Assert.ThrowsAsync<MultistreamException>(() => single.DialAsync(addr).AsTask().WaitAsync(T));
        Assert.Contains("/tls/1.0.0", e.Message);
    }

    [Fact]
    public void AHostRefusesAnEmptyOrRepeatedList()
    {
        Assert.Throws<ArgumentException>(() => Hosts.Create(Using(null)));
        Assert.Throws<ArgumentException>(() => Hosts.Create(Using(null, "noise", "noise")));
    }

    public static TheoryData<string, KeyType> EveryProtocolAndKeyType()
    {
        var data = new TheoryData<string, KeyType>();
        foreach (var s in new[] { "noise", "tls", "plaintext" })
            foreach (var k in new[] { KeyType.Ed25519, KeyType.Secp256k1, KeyType.Ecdsa, KeyType.Rsa })
                data.Add(s, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryProtocolAndKeyType))]
    public async Task HostsEchoOverEachSecurityProtocolWithEachKeyType(string security, KeyType keyType)
    {
        var (server, addr) = await Hosts.CreateListeningAsync(Using(TestCertificates.HostKey(keyType), security));
        await using var _ = server;
        server.SetHandler(EchoProtocol.ProtocolId, (ctx, ct) => EchoProtocol.HandleAsync(ctx.Stream, ct));
        await using var client = Hosts.Create(Using(PrivateKey.Generate(keyType == KeyType.Rsa ? KeyType.Ed25519 : keyType), security));

        var conn = await client.DialAsync(addr).AsTask().WaitAsync(T);
        Assert.Equal(Protocol(security).ProtocolId, conn.SecurityProtocol);
        Assert.Equal(server.PeerId, conn.RemotePeer);
        Assert.Equal(server.Identity.PublicKey, conn.RemotePublicKey);

        var payload = new byte[100_000];
        new Random(1).NextBytes(payload);
        await using var stream = await conn.OpenStreamAsync(EchoProtocol.ProtocolId).AsTask().WaitAsync(T);
        var write = WriteThenCloseAsync(stream, payload);
        var back = new byte[payload.Length];
        await stream.ReadExactlyAsync(back).AsTask().WaitAsync(T);
        await write.WaitAsync(T);
        Assert.Equal(payload, back);
        Assert.Equal(0, await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(T));
    }

    private static async Task WriteThenCloseAsync(IDuplexStream stream, byte[] payload)
    {
        await stream.WriteAsync(payload);
        await stream.CloseWriteAsync();
    }
}
