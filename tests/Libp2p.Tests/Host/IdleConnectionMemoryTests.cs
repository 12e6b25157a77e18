using Libp2p.Host;
using Libp2p.Host.Resources;
using Libp2p.Multiformats;
using static Libp2p.Tests.Host.Hosts;

namespace Libp2p.Tests.Host;

/// <summary>Idle host connections over real TCP hold no pooled buffer on either side (the idle-connections bench target).</summary>
public class IdleConnectionMemoryTests
{
    [Fact]
    public async Task IdleConnectionsHoldNoYamuxInputBufferOnEitherSide()
    {
        // 20 connections between the same two hosts on one address: beyond the default limits (8 per address and peer).
        // Identify must complete on every connection for the wait below to end: 40 identifies at once on a loaded
        // machine can outlast the default 5 s timeouts (once in 20 runs beside a CI run), which is not what this
        // test is about, so the hosts get generous ones.
        static void Options(HostOptions o)
        {
            o.Limits = ResourceLimits.Unlimited();
            o.IdentifyTimeout = o.StreamNegotiationTimeout = TimeSpan.FromSeconds(60);
        }
        var (server, addr) = await CreateListeningAsync(Options);
        await using var _ = server;
        await using var client = Create(Options);
        var plain = addr.WithoutPeerId(); // a new connection per dial
        var dialed = new List<Connection>();
        for (int i = 0; i < 20; i++)
        {
            var conn = await client.DialAsync(plain).AsTask().WaitAsync(Hosts.Timeout);
            dialed.Add(conn);
        }
        // Identify runs both ways on every connection; wait until it is done and the read loops are idle.
        await Libp2p.Tests.Yamux.YamuxTestData.WaitUntilAsync(() =>
            dialed.All(c => c.RemoteIdentify is not null && !c.Session.HoldsInputBuffer)
            && server.Connections.Count == dialed.Count
            && server.Connections.All(c => c.RemoteIdentify is not null && !c.Session.HoldsInputBuffer));
    }
}
