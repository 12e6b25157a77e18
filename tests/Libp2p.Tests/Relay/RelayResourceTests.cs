using Libp2p.Host;
using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.Relay;

namespace Libp2p.Tests.Relay;

/// <summary>
/// Circuits and the hosts' resource managers: the relay charges each circuit's copy buffers to its service scope, and
/// a node reachable only through a relay is not held to the relay's address limits for the peers behind it.
/// </summary>
public class RelayResourceTests
{
    private static readonly TimeSpan T = RelayNodes.T;

    [Fact]
    public async Task ACircuitThatDoesNotFitTheRelaysMemoryIsRefusedWithResourceLimitExceededAndItsBuffersReturnOnceWhenItEnds()
    {
        long circuit = 2L * new RelayServiceOptions().BufferSize;
        await using var nodes = await RelayNodes.StartAsync(configureRelay: o => o.Limits.Services[RelayProtocol.ServiceName] = circuit);
        var (_, address) = await nodes.ReachableClientAsync();
        var first = nodes.Client();
        var second = nodes.Client();
        var connection = await first.DialAsync(address).AsTask().WaitAsync(T);
        Assert.Equal(circuit, nodes.Service.Memory.MemoryUsed);
        Assert.True(nodes.Relay.Resources.Usage.Memory >= circuit); // charged to the node too

        var e = await Assert.ThrowsAsync<CircuitRelayException>(() => second.DialAsync(address).AsTask().WaitAsync(T));

        Assert.Equal(RelayStatus.ResourceLimitExceeded, e.Status);
        Assert.Equal(1, nodes.Service.ActiveCircuits);
        Assert.Equal(circuit, nodes.Service.Memory.MemoryUsed); // the refused one took nothing
        Assert.True(nodes.Relay.Resources.Refusals > 0);

        await connection.CloseAsync().AsTask().WaitAsync(T);
        await WaitUntilAsync(() => nodes.Service.ActiveCircuits == 0);
        Assert.Equal(0, nodes.Service.Memory.MemoryUsed);        // returned once, not twice (it would be negative)
        var again = await second.DialAsync(address).AsTask().WaitAsync(T);
        Assert.True(again.IsLimited);
        Assert.Equal(circuit, nodes.Service.Memory.MemoryUsed);
    }

    [Fact]
    public async Task MoreThanEightPeersReachANodeThroughOneRelayAtOnce()
    {
        // Every client reaches the relay from 127.0.0.1: the relay itself lifts its address limits for this test.
        await using var nodes = await RelayNodes.StartAsync(configureRelay: o => o.Limits = ResourceLimits.Unlimited());
        var (target, address) = await nodes.ReachableClientAsync();
        var dialers = Enumerable.Range(0, 10).Select(_ => nodes.Client()).ToList();

        var connections = await Task.WhenAll(dialers.Select(d => d.DialAsync(address).AsTask())).WaitAsync(T);

        Assert.All(connections, c => Assert.True(c.IsLimited));
        await WaitUntilAsync(() => target.Connections.Count(c => c.IsLimited && c.Direction == ConnectionDirection.Inbound) == 10);
        foreach (var (dialer, connection) in dialers.Zip(connections))
            Assert.True(await dialer.PingAsync(connection).AsTask().WaitAsync(T) > TimeSpan.Zero);
        Assert.Equal(0, target.Resources.Refusals);
        Assert.Equal(1, target.Resources.Usage.Addresses); // only the relay's, for our own connection to it: relayed ones have none
    }

    [Fact]
    public async Task OnePeerBehindARelayIsStillHeldToItsPerPeerConnectionLimit()
    {
        await using var nodes = await RelayNodes.StartAsync();
        var (target, address) = await nodes.ReachableClientAsync(configure: o => o.Limits.ConnectionsInboundPerPeer = 1);
        var key = PrivateKey.Generate();
        var first = nodes.Client(configure: o => o.Identity = key);
        var twin = nodes.Client(configure: o => o.Identity = key); // the same peer id, from another host
        await first.DialAsync(address).AsTask().WaitAsync(T);
        await WaitUntilAsync(() => target.FindConnection(key.ToPeerId()) is not null);

        var dial = twin.DialAsync(address).AsTask();

        // The target refuses the second connection once the upgrade proves the peer (GoAway, close).
        await WaitUntilAsync(() => target.Resources.Refusals > 0);
        try { await (await dial.WaitAsync(T)).Closed.WaitAsync(T); }
        catch (Exception e) when (e is not TimeoutException) { } // or the dial itself fails: either way it does not stay
        Assert.Single(target.Connections, c => c.RemotePeer == key.ToPeerId());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(T);
        while (!condition()) await Task.Delay(10, cts.Token);
    }
}
