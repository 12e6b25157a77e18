using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Protocols.Ping;
using Libp2p.Transports;

namespace Libp2p.Tests.Host;

/// <summary>The host API protocols build on: notifications every subscriber receives, the peer store, dialing by id.</summary>
public class HostPeersTests
{
    private static readonly TimeSpan T = Hosts.Timeout;

    [Fact]
    public async Task EverySubscriberHearsOfEachConnectionOpeningAndClosing()
    {
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var _ = server;
        await using var client = Hosts.Create();
        var opened1 = new TaskCompletionSource<Connection>(TaskCreationOptions.RunContinuationsAsynchronously);
        var opened2 = new TaskCompletionSource<Connection>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource<Connection>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.ConnectionOpened += c => opened1.TrySetResult(c);
        server.ConnectionOpened += c => opened2.TrySetResult(c);
        server.ConnectionClosed += (c, _) => closed.TrySetResult(c);

        await client.DialAsync(addr).AsTask().WaitAsync(T);
        var seen1 = await opened1.Task.WaitAsync(T);
        Assert.Same(seen1, await opened2.Task.WaitAsync(T));
        Assert.Equal(client.PeerId, seen1.RemotePeer);

        await client.DisposeAsync().AsTask().WaitAsync(T);
        Assert.Same(seen1, await closed.Task.WaitAsync(T));
    }

    [Fact]
    public async Task ASubscriberThatThrowsDoesNotHurtTheHostOrOtherSubscribers()
    {
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var _ = server;
        await using var client = Hosts.Create();
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.ConnectionOpened += _ => throw new InvalidOperationException("subscriber bug");
        server.ConnectionOpened += _ => heard.TrySetResult();

        var connection = await client.DialAsync(addr).AsTask().WaitAsync(T);
        await heard.Task.WaitAsync(T);
        Assert.True(await client.PingAsync(connection).AsTask().WaitAsync(T) >= TimeSpan.Zero);
    }

    [Fact]
    public async Task IdentifyFillsThePeerStoreAndNotifies()
    {
        var (server, addr) = await Hosts.CreateListeningAsync(o => o.IdentifyDelay = TimeSpan.Zero);
        await using var _ = server;
        await using var client = Hosts.Create(o => o.IdentifyDelay = TimeSpan.Zero);
        var identified = new TaskCompletionSource<Connection>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.PeerIdentified += c => identified.TrySetResult(c);

        var connection = await client.DialAsync(addr).AsTask().WaitAsync(T);
        Assert.Same(connection, await identified.Task.WaitAsync(T));
        Assert.Contains(addr.WithoutPeerId(), client.PeerStore.GetAddresses(server.PeerId));
        Assert.True(client.PeerStore.SupportsProtocol(server.PeerId, PingProtocol.ProtocolId));
        Assert.Equal(server.Identity.PublicKey, client.PeerStore.GetPublicKey(server.PeerId));
        Assert.Equal(server.Options.AgentVersion, client.PeerStore.GetAgentVersion(server.PeerId));
    }

    [Fact]
    public async Task DialByPeerIdUsesTheAddressesThePeerStoreKnowsSkippingDeadOnes()
    {
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var _ = server;
        await using var client = Hosts.Create();
        // A port nothing listens on (bound then closed) comes first: the dial goes on to the next address.
        var dead = await ClosedPortAddressAsync();
        client.PeerStore.AddAddresses(server.PeerId, [dead], TimeSpan.FromMinutes(1));
        client.PeerStore.AddAddresses(server.PeerId, [addr], TimeSpan.FromMinutes(1));

        var connection = await client.DialAsync(server.PeerId).AsTask().WaitAsync(T);
        Assert.Equal(server.PeerId, connection.RemotePeer);
        Assert.Same(connection, await client.DialAsync(server.PeerId).AsTask().WaitAsync(T));
    }

    [Fact]
    public async Task DialByPeerIdWithoutAKnownAddressSaysSo()
    {
        await using var client = Hosts.Create();
        var stranger = PrivateKey.Generate().ToPeerId();
        var e = await Assert.ThrowsAsync<TransportException>(() => client.DialAsync(stranger).AsTask().WaitAsync(T));
        Assert.Contains(stranger.ToString(), e.Message);
    }

    [Fact]
    public async Task ADisconnectedPeersAddressesAreKeptSoItCanBeRedialedById()
    {
        var (server, addr) = await Hosts.CreateListeningAsync();
        await using var _ = server;
        await using var client = Hosts.Create();
        var connection = await client.DialAsync(addr).AsTask().WaitAsync(T);
        await connection.CloseAsync().AsTask().WaitAsync(T);
        // Still known right after the disconnect (RecentlyConnectedTtl), so a redial by id works.
        Assert.Contains(addr.WithoutPeerId(), client.PeerStore.GetAddresses(server.PeerId));
        var again = await client.DialAsync(server.PeerId).AsTask().WaitAsync(T);
        Assert.NotSame(connection, again);
    }

    private static async Task<Multiaddr> ClosedPortAddressAsync()
    {
        await using var probe = Hosts.Create();
        var addrs = await probe.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T);
        return addrs[0].WithoutPeerId();
    }
}
