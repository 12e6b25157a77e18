using Microsoft.Extensions.Time.Testing;
using Libp2p.Multistream;
using Libp2p.Core;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Noise;
using Libp2p.Protocols.Identify;
using Libp2p.Protocols.Perf;
using Libp2p.Protocols.Ping;
using Libp2p.Transports;

namespace Libp2p.Tests.Host;

public class HostTests
{
    private static readonly TimeSpan T = Hosts.Timeout;

    [Fact]
    public async Task ListenAnnouncesRealPortWithPeerId()
    {
        await using var host = Hosts.Create();
        var addrs = await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T);
        var addr = Assert.Single(addrs);
        Assert.NotEqual(0, addr.Components.Single(c => c.Protocol == MultiaddrProtocol.Tcp).ToPort());
        Assert.Equal(host.PeerId, Assert.Single(host.ListenAddresses).PeerId);
    }

    [Fact]
    public async Task DialPingsAndIdentifiesBothWays()
    {
        var (server, addr) = await Hosts.CreateListeningAsync(o => o.AgentVersion = "server/1");
        await using var _ = server;
        await using var client = Hosts.Create(o => o.AgentVersion = "client/1");

        var conn = await client.DialAsync(addr).AsTask().WaitAsync(T);
        Assert.Equal(server.PeerId, conn.RemotePeer);

        var rtt = await client.PingAsync(conn).AsTask().WaitAsync(T);
        Assert.True(rtt > TimeSpan.Zero);

        IdentifyInfo info = await client.IdentifyAsync(conn).AsTask().WaitAsync(T);
        Assert.Equal("server/1", info.AgentVersion);
        Assert.Contains(PingProtocol.ProtocolId, info.Protocols);
        Assert.Contains(IdentifyProtocol.ProtocolId, info.Protocols);
        Assert.Equal(server.PeerId, PublicKey.FromProtobuf(info.PublicKey).ToPeerId());
        Assert.Contains(addr.WithoutPeerId(), info.ListenAddresses);
        Assert.Equal(conn.LocalAddress, info.ObservedAddress);

        // The server side sees the client and, once its own identify ran, the client's agent.
        var opened = (HostEvent.ConnectionOpened)await Hosts.NextEventAsync<HostEvent.ConnectionOpened>(server);
        Assert.Equal(client.PeerId, opened.Connection.RemotePeer);
        var identified = (HostEvent.PeerIdentified)await Hosts.NextEventAsync<HostEvent.PeerIdentified>(server);
        Assert.Equal("client/1", identified.Connection.RemoteIdentify!.AgentVersion);
    }

    [Fact]
    public async Task AutomaticIdentifyWaitsForIdentifyDelayButAnExplicitRequestDoesNot()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var delay = TimeSpan.FromSeconds(1);
        var (server, addr) = await Hosts.CreateListeningAsync(o => { o.TimeProvider = time; o.IdentifyDelay = delay; o.AgentVersion = "server/1"; });
        await using var _ = server;
        await using var client = Hosts.Create(o => { o.TimeProvider = time; o.IdentifyDelay = delay; o.AgentVersion = "client/1"; });

        var conn = await client.DialAsync(addr).AsTask().WaitAsync(T);
        // Asked explicitly: answered at once, while the (fake) clock stands still.
        IdentifyInfo info = await client.IdentifyAsync(conn).AsTask().WaitAsync(T);
        Assert.Equal("server/1", info.AgentVersion);

        // The server's own request waits for the delay: not started (it would be in flight at once without
        // the delay), and its connection knows nothing of the client yet.
        var opened = (HostEvent.ConnectionOpened)await Hosts.NextEventAsync<HostEvent.ConnectionOpened>(server);
        lock (opened.Connection.IdentifyLock)
            Assert.Null(opened.Connection.IdentifyInFlight);
        Assert.Null(opened.Connection.RemoteIdentify);

        time.Advance(delay);
        var identified = (HostEvent.PeerIdentified)await Hosts.NextEventAsync<HostEvent.PeerIdentified>(server);
        Assert.Equal("client/1", identified.Connection.RemoteIdentify!.AgentVersion);
    }

    [Fact]
    public async Task SecondDialToSamePeerReusesTheConnection()
    {
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var _ = server;
        await using var client = Hosts.Create();
        var dials = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.DialAsync(addr).AsTask())).WaitAsync(T);
        Assert.All(dials, c => Assert.Same(dials[0], c));
        Assert.Equal(1, client.ConnectionCount);
    }

    [Fact]
    public async Task WrongPeerIdInAddressFailsNamingBothIds()
    {
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var _ = server;
        await using var client = Hosts.Create();
        var other = PrivateKey.Generate().ToPeerId();
        var wrong = addr.WithPeerId(other);
        var e = await Assert.ThrowsAsync<PeerIdMismatchException>(() => client.DialAsync(wrong).AsTask().WaitAsync(T));
        Assert.Contains(other.ToString(), e.Message);
        Assert.Contains(server.PeerId.ToString(), e.Message);
    }

    [Fact]
    public async Task CustomProtocolHandlerServesStreams()
    {
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var _ = server;
        server.SetHandler("/test/upper/1", async (ctx, ct) =>
        {
            var buf = new byte[64];
            int n;
            while ((n = await ctx.Stream.ReadAsync(buf, ct)) > 0)
            {
                for (int i = 0; i < n; i++) buf[i] = (byte)char.ToUpperInvariant((char)buf[i]);
                await ctx.Stream.WriteAsync(buf.AsMemory(0, n), ct);
            }
            await ctx.Stream.CloseWriteAsync(ct);
        });
        await using var client = Hosts.Create();
        var stream = await client.NewStreamAsync(addr, "/test/upper/1").AsTask().WaitAsync(T);
        await stream.WriteAsync("hello"u8.ToArray());
        await stream.CloseWriteAsync();
        var got = new byte[5];
        await stream.ReadExactlyAsync(got).AsTask().WaitAsync(T);
        Assert.Equal("HELLO"u8.ToArray(), got);
        Assert.Equal(0, await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(T));
    }

    [Fact]
    public async Task UnsupportedProtocolIsRefused()
    {
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var _ = server;
        await using var client = Hosts.Create();
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => client.NewStreamAsync(addr, "/nope/1").AsTask().WaitAsync(T));
        Assert.Equal(MultistreamError.NoProtocolSupported, ex.Error);
        // The connection survives a refused stream.
        var conn = client.FindConnection(server.PeerId)!;
        Assert.False(conn.IsClosed);
        await client.PingAsync(conn).AsTask().WaitAsync(T);
    }

    [Fact]
    public async Task PerfMovesRequestedBytesWhenEnabled()
    {
        var (server, addr) = await Hosts.CreateListeningAsync(o => o.EnablePerf = true);
        await using var _ = server;
        await using var client = Hosts.Create();
        var conn = await client.DialAsync(addr).AsTask().WaitAsync(T);
        PerfResult r = await client.PerfAsync(conn, 3 << 20, 5 << 20).AsTask().WaitAsync(T);
        Assert.Equal(3UL << 20, r.UploadBytes);
        Assert.Equal(5UL << 20, r.DownloadBytes);
    }

    [Fact]
    public async Task PerfRunsOneDirectionAtATimeOnOneConnection()
    {
        var (server, addr) = await Hosts.CreateListeningAsync(o => o.EnablePerf = true);
        await using var _ = server;
        await using var client = Hosts.Create();
        var conn = await client.DialAsync(addr).AsTask().WaitAsync(T);
        foreach (var (up, down) in new (ulong, ulong)[] { (1 << 20, 1 << 20), (0, 1 << 20), (0, 1 << 20), (1 << 20, 0), (0, 0) })
        {
            var r = await client.PerfAsync(conn, up, down).AsTask().WaitAsync(T);
            Assert.Equal((up, down), (r.UploadBytes, r.DownloadBytes));
        }
    }

    [Fact]
    public async Task PerfIsRefusedUnlessEnabled()
    {
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var _ = server;
        await using var client = Hosts.Create();
        var conn = await client.DialAsync(addr).AsTask().WaitAsync(T);
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => client.PerfAsync(conn, 10, 10).AsTask().WaitAsync(T));
        Assert.Equal(MultistreamError.NoProtocolSupported, ex.Error);
    }

    [Fact]
    public async Task RefusedPerfWithALargeUploadFailsClearlyInsteadOfWaitingForWindow()
    {
        // More than a Yamux window: a refusing listener never grants more, so only the answer reader ends the wait.
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var _ = server;
        await using var client = Hosts.Create();
        var conn = await client.DialAsync(addr).AsTask().WaitAsync(T);
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => client.PerfAsync(conn, 4 << 20, 0).AsTask().WaitAsync(T));
        Assert.Equal(MultistreamError.NoProtocolSupported, ex.Error);
        Assert.False(conn.IsClosed);
    }

    [Fact]
    public async Task IdleConnectionIsClosed()
    {
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var _ = server;
        await using var client = Hosts.Create(o => { o.IdleTimeout = TimeSpan.FromMilliseconds(300); o.EnableIdentify = false; });
        var conn = await client.DialAsync(addr).AsTask().WaitAsync(T);
        await conn.Closed.WaitAsync(T);
        Assert.Equal(0, client.ConnectionCount);
    }

    [Fact]
    public async Task ConnectionLimitRefusesInboundBeyondIt()
    {
        var (server, addr) = await Hosts.CreateListeningAsync(o => o.MaxConnections = 1);
        await using var _ = server;
        await using var first = Hosts.Create();
        await using var second = Hosts.Create();
        await first.DialAsync(addr).AsTask().WaitAsync(T);
        await Assert.ThrowsAnyAsync<Exception>(() => second.DialAsync(addr).AsTask().WaitAsync(T));
        // The dialer is done before the server has finished its side of the handshake: wait for the server to count it.
        using var cts = new CancellationTokenSource(T);
        while (server.ConnectionCount == 0) await Task.Delay(10, cts.Token);
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public async Task DisposeClosesConnectionsAndExpiresAddresses()
    {
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var client = Hosts.Create();
        var conn = await client.DialAsync(addr).AsTask().WaitAsync(T);
        await server.DisposeAsync().AsTask().WaitAsync(T);
        await conn.Closed.WaitAsync(T);
        await Assert.ThrowsAnyAsync<Exception>(() => client.DialAsync(addr).AsTask().WaitAsync(T));
    }

    [Fact]
    public async Task RemovingAListenerExpiresItsAddressThenClosesIt()
    {
        await using var host = Hosts.Create();
        await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T);
        var (id, addrs) = Assert.Single(host.Listeners);
        Assert.True(host.RemoveListener(id));
        var expired = (HostEvent.ListenAddressExpired)await Hosts.NextEventAsync<HostEvent.ListenAddressExpired>(host);
        Assert.Equal(addrs[0].WithPeerId(host.PeerId), expired.Address);
        var closed = (HostEvent.ListenerClosed)await Hosts.NextEventAsync<HostEvent.ListenerClosed>(host);
        Assert.Equal(id, closed.ListenerId);
        Assert.Null(closed.Reason);
        Assert.Empty(host.ListenAddresses);
    }

    [Fact]
    public async Task NewListenAddressIsPushedToConnectedPeers()
    {
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var _ = server;
        await using var client = Hosts.Create();
        var conn = await client.DialAsync(addr).AsTask().WaitAsync(T);
        await client.IdentifyAsync(conn).AsTask().WaitAsync(T);
        // The server must know the client supports push: wait for its own identify of the client.
        await Hosts.NextEventAsync<HostEvent.PeerIdentified>(server);

        var added = (await server.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T))[0];
        using var cts = new CancellationTokenSource(T);
        while (conn.RemoteIdentify?.ListenAddresses.Contains(added) != true)
            await client.Events.ReadAsync(cts.Token); // each event is a chance the push has landed
        Assert.Contains(addr.WithoutPeerId(), conn.RemoteIdentify!.ListenAddresses);
        Assert.Equal(server.PeerId, PublicKey.FromProtobuf(conn.RemoteIdentify.PublicKey).ToPeerId());
    }
}
