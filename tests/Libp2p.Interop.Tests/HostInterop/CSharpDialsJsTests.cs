using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Interop.Tests.JsPeers;
using Libp2p.Multiformats;
using Libp2p.Protocols.Echo;
using Libp2p.Protocols.Identify;
using Libp2p.Protocols.Ping;
using Libp2p.Transports.Tcp;

namespace Libp2p.Interop.Tests.HostInterop;

/// <summary>Our host dials js-libp2p over real TCP: Noise, Yamux, ping, identify, echo streams, perf.</summary>
public class CSharpDialsJsTests
{
    private static readonly TimeSpan T = TimeSpan.FromSeconds(60);

    private static Libp2pHost CreateHost(bool perf = false)
    {
        var options = new HostOptions { EnablePerf = perf, AgentVersion = "dotnet-interop-test" };
        options.Transports.Add(new TcpTransport());
        return new Libp2pHost(options);
    }

    [Fact]
    public async Task PingAndIdentifyJs()
    {
        await using var js = await JsPeer.StartAsync();
        await using var host = CreateHost();
        await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T);

        var conn = await host.DialAsync(Multiaddr.Parse(js.Addrs[0])).AsTask().WaitAsync(T);
        Assert.Equal(js.PeerId, conn.RemotePeer.ToString());

        for (int i = 0; i < 3; i++)
            Assert.True(await host.PingAsync(conn).AsTask().WaitAsync(T) > TimeSpan.Zero);

        IdentifyInfo info = await host.IdentifyAsync(conn).AsTask().WaitAsync(T);
        Assert.Equal(js.PeerId, PublicKey.FromProtobuf(info.PublicKey).ToPeerId().ToString());
        Assert.Contains(PingProtocol.ProtocolId, info.Protocols);
        Assert.Contains(IdentifyProtocol.ProtocolId, info.Protocols);
        Assert.Contains(Multiaddr.Parse(js.TcpAddr), info.ListenAddresses);
        // js appends our /p2p id to the observed address; the spec leaves that open.
        Assert.Equal(conn.LocalAddress, info.ObservedAddress!.WithoutPeerId());

        // js identified us too on the same connection: it logs our agent through its own identify.
        var opened = await js.WaitForEventAsync("connection:open", T);
        Assert.Equal(host.PeerId.ToString(), opened.GetProperty("peer").GetString());
    }

    [Fact]
    public async Task AProtocolJsDoesNotServeFailsClearlyAndTheConnectionSurvives()
    {
        await using var js = await JsPeer.StartAsync();
        await using var host = CreateHost();
        var conn = await host.DialAsync(Multiaddr.Parse(js.Addrs[0])).AsTask().WaitAsync(T);
        var ex = await Assert.ThrowsAsync<Libp2p.Multistream.MultistreamException>(() => conn.OpenStreamAsync("/nope/1.0.0").AsTask().WaitAsync(T));
        Assert.Equal(Libp2p.Multistream.MultistreamError.NoProtocolSupported, ex.Error);
        Assert.False(conn.IsClosed);
        Assert.True(await host.PingAsync(conn).AsTask().WaitAsync(T) > TimeSpan.Zero);
    }

    [Fact]
    public async Task ConcurrentEchoStreamsMove32MiBEachWayWithContentChecked()
    {
        await using var js = await JsPeer.StartAsync();
        await using var host = CreateHost();
        var conn = await host.DialAsync(Multiaddr.Parse(js.Addrs[0])).AsTask().WaitAsync(T);
        const int streams = 4;
        const long perStream = 8L << 20; // 4 x 8 MiB = 32 MiB each way
        using var cts = new CancellationTokenSource(T);
        var tasks = Enumerable.Range(0, streams).Select(async i =>
        {
            await using var s = await conn.OpenStreamAsync(EchoProtocol.ProtocolId, cts.Token);
            await EchoPattern.SendAndVerifyEchoAsync(s, i, perStream, cts.Token);
        });
        await Task.WhenAll(tasks).WaitAsync(T);
        Assert.False(conn.IsClosed);
        Assert.True(await host.PingAsync(conn).AsTask().WaitAsync(T) > TimeSpan.Zero);
    }

    [Fact]
    public async Task Perf100MiBEachWay()
    {
        await using var js = await JsPeer.StartAsync();
        await using var host = CreateHost();
        var conn = await host.DialAsync(Multiaddr.Parse(js.Addrs[0])).AsTask().WaitAsync(T);
        const ulong size = 100UL << 20;
        var r = await host.PerfAsync(conn, size, size).AsTask().WaitAsync(T);
        Assert.Equal(size, r.UploadBytes);
        Assert.Equal(size, r.DownloadBytes);
        var served = await js.WaitForEventAsync("perf:served", T);
        Assert.Equal(size, served.GetProperty("uploadBytes").GetUInt64());
        Assert.Equal(size, served.GetProperty("downloadBytes").GetUInt64());
    }

    // Regression: with optimistic stream negotiation, the second download-only run stalled against js.
    [Fact]
    public async Task PerfOneDirectionAtATimeOnOneConnection()
    {
        await using var js = await JsPeer.StartAsync();
        await using var host = CreateHost();
        var conn = await host.DialAsync(Multiaddr.Parse(js.Addrs[0])).AsTask().WaitAsync(T);
        foreach (var (up, down) in new (ulong, ulong)[] { (4 << 20, 4 << 20), (0, 16 << 20), (16 << 20, 0), (0, 16 << 20), (0, 0) })
        {
            var r = await host.PerfAsync(conn, up, down).AsTask().WaitAsync(T);
            Assert.Equal((up, down), (r.UploadBytes, r.DownloadBytes));
        }
    }

    [Fact]
    public async Task WrongPeerIdForJsIsRejected()
    {
        await using var js = await JsPeer.StartAsync();
        await using var host = CreateHost();
        var someoneElse = PrivateKey.Generate().ToPeerId();
        var addr = Multiaddr.Parse(js.TcpAddr).WithPeerId(someoneElse);
        var e = await Assert.ThrowsAsync<Noise.PeerIdMismatchException>(() => host.DialAsync(addr).AsTask().WaitAsync(T));
        Assert.Contains(js.PeerId, e.Message);
        Assert.Contains(someoneElse.ToString(), e.Message);
    }
}
