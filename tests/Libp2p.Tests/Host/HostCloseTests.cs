using Microsoft.Extensions.Time.Testing;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Protocols.Ping;

namespace Libp2p.Tests.Host;

/// <summary>Closing is bounded whatever the peer and the clock do (a peer that stopped reading, a clock that stands still).</summary>
public class HostCloseTests
{
    private static readonly TimeSpan T = Hosts.Timeout;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(1);
    // Far above CloseTimeout, far below "forever": without the bound these tests would never finish.
    private static readonly TimeSpan Bound = CloseTimeout + TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DisposeAbortsAConnectionWhosePeerStoppedReadingWithinTheCloseTimeout(bool fakeClock)
    {
        var (server, client, serverConnection) = await ConnectStalledAsync(fakeClock);
        await using var _ = client;
        await server.DisposeAsync().AsTask().WaitAsync(Bound);

        var reason = await serverConnection.Closed.WaitAsync(T);
        Assert.True(Assert.IsType<Libp2pException>(reason).IsTimeout);
        Assert.IsType<TimeoutException>(reason.InnerException);
        Assert.Contains("aborted", reason.Message);
        Assert.Equal(0, server.ConnectionCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CloseAbortsAConnectionWhosePeerStoppedReadingWithinTheCloseTimeout(bool fakeClock)
    {
        var (server, client, serverConnection) = await ConnectStalledAsync(fakeClock);
        await using var _ = client;
        await using var __ = server;
        await serverConnection.CloseAsync().AsTask().WaitAsync(Bound);

        Assert.True(serverConnection.IsClosed);
        Assert.True(Assert.IsType<Libp2pException>(await serverConnection.Closed.WaitAsync(T)).IsTimeout);
    }

    [Fact]
    public async Task CloseThatIsCancelledAbortsAtOnce()
    {
        var (server, client, serverConnection) = await ConnectStalledAsync(fakeClock: true, closeTimeout: TimeSpan.FromMinutes(10));
        await using var _ = client;
        await using var __ = server;
        using var cancel = new CancellationTokenSource();
        var closing = serverConnection.CloseAsync(cancel.Token).AsTask();
        cancel.Cancel();
        await closing.WaitAsync(T);

        Assert.IsType<OperationCanceledException>(await serverConnection.Closed.WaitAsync(T));
    }

    [Fact]
    public async Task GracefulCloseOfAHealthyConnectionIsNotAnAbort()
    {
        var (server, addr) = await Hosts.CreateListeningAsync(o => o.CloseTimeout = CloseTimeout);
        await using var _ = server;
        await using var client = Hosts.Create();
        var connection = await client.DialAsync(addr).AsTask().WaitAsync(T);
        await connection.CloseAsync().AsTask().WaitAsync(T);
        Assert.Null(await connection.Closed.WaitAsync(T));
    }

    /// <summary>
    /// A server host on a transport whose writes can stall, connected to a normal client; then every server write
    /// stalls and the server has one stuck in its write pump (the SYN of a stream it opens).
    /// </summary>
    private static async Task<(Libp2pHost Server, Libp2pHost Client, Connection ServerConnection)> ConnectStalledAsync(
        bool fakeClock, TimeSpan? closeTimeout = null)
    {
        var transport = new StallingTransport();
        // No identify either way: the stream this sets up is the only one, so nothing else is mid-flight when writes stall.
        var options = new HostOptions { CloseTimeout = closeTimeout ?? CloseTimeout, EnableIdentify = false };
        options.Transports.Add(transport);
        // A clock nobody advances: only the real-clock half of the close deadline can end the wait.
        if (fakeClock) options.TimeProvider = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = new Libp2pHost(options);
        var listening = await server.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T);
        var client = Hosts.Create(o => o.EnableIdentify = false);
        await client.DialAsync(listening[0].WithPeerId(server.PeerId)).AsTask().WaitAsync(T);
        var opened = (HostEvent.ConnectionOpened)await Hosts.NextEventAsync<HostEvent.ConnectionOpened>(server);

        transport.Stall();
        var stuck = opened.Connection.OpenStreamAsync(PingProtocol.ProtocolId).AsTask();
        await transport.FirstStalledWrite.WaitAsync(T);
        _ = stuck.ContinueWith(t => t.Exception, TaskScheduler.Default); // fails once the connection is aborted
        return (server, client, opened.Connection);
    }
}
