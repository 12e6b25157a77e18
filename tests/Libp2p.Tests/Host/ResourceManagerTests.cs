using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Libp2p.Tests.Host;

/// <summary>The resource manager's admission rules, scopes and refusal reporting, driven directly.</summary>
public class ResourceManagerTests
{
    private static readonly Multiaddr Attacker = Multiaddr.Parse("/ip4/203.0.113.7/tcp/4001");

    private static (ResourceManager Manager, ListLogger Log, FakeTimeProvider Time, List<string> Metric) Create(ResourceLimits? limits = null)
    {
        var log = new ListLogger();
        var time = new FakeTimeProvider();
        var metric = new List<string>();
        return (new ResourceManager(limits ?? new ResourceLimits(), time, log, metric.Add), log, time, metric);
    }

    [Fact]
    public void PendingInboundPerAddressRefusesTheNinthAndCountsAndLogsOncePerInterval()
    {
        var (m, log, time, metric) = Create();
        for (int i = 0; i < 8; i++) Assert.NotNull(m.TryOpenInbound(Attacker));
        Assert.Null(m.TryOpenInbound(Attacker));
        Assert.Null(m.TryOpenInbound(Attacker));
        Assert.NotNull(m.TryOpenInbound(Multiaddr.Parse("/ip4/203.0.113.8/tcp/1"))); // another address is not affected
        Assert.Equal(2, m.Refusals);
        Assert.Equal(["PendingInboundPerAddress", "PendingInboundPerAddress"], metric);
        var line = Assert.Single(log.Lines);
        Assert.Contains("PendingInboundPerAddress = 8", line);
        Assert.Contains("address 203.0.113.7", line);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(m.TryOpenInbound(Attacker));
        Assert.Equal(2, log.Lines.Count);
        Assert.Contains("(1 more refusals", log.Lines[1]);
    }

    [Fact]
    public void Ipv6AddressesOfOneSlash64ShareOneScope()
    {
        var (m, _, _, _) = Create();
        for (int i = 0; i < 8; i++) Assert.NotNull(m.TryOpenInbound(Multiaddr.Parse($"/ip6/2001:db8:1:2::{i + 1}/tcp/1")));
        Assert.Null(m.TryOpenInbound(Multiaddr.Parse("/ip6/2001:db8:1:2:ffff::9/tcp/1")));
        Assert.NotNull(m.TryOpenInbound(Multiaddr.Parse("/ip6/2001:db8:1:3::1/tcp/1")));
    }

    [Fact]
    public void ClosedConnectionsGiveTheirSlotsBackAndEmptyScopesAreDropped()
    {
        var (m, _, _, _) = Create();
        var scopes = Enumerable.Range(0, 8).Select(_ => m.TryOpenInbound(Attacker)!).ToList();
        foreach (var s in scopes) m.Close(s);
        Assert.Equal(new ResourceUsage(0, 0, 0, 0, 0, 0, 0, 0, 0), m.Usage);
        Assert.NotNull(m.TryOpenInbound(Attacker));
    }

    [Fact]
    public void OnePeerGetsAtMostEightInboundConnectionsWhateverItsAddresses()
    {
        var (m, _, _, _) = Create();
        var peer = PrivateKey.Generate().ToPeerId();
        for (int i = 0; i < 8; i++)
            Assert.Null(m.TryEstablish(m.TryOpenInbound(Multiaddr.Parse($"/ip4/198.51.100.{i}/tcp/1"))!, peer));
        var ninth = m.TryOpenInbound(Multiaddr.Parse("/ip4/198.51.100.200/tcp/1"))!;
        var refusal = m.TryEstablish(ninth, peer);
        Assert.NotNull(refusal);
        Assert.Equal("ConnectionsInboundPerPeer", refusal.Limit);
        m.Close(ninth);
        Assert.Equal(8, m.Usage.ConnectionsInbound);
    }

    [Fact]
    public void FailedUpgradesBanAnAddressForTheWindow()
    {
        var (m, log, time, _) = Create();
        for (int i = 0; i < 16; i++)
        {
            var c = m.TryOpenInbound(Attacker)!;
            m.InboundUpgradeFailed(c);
            m.Close(c);
        }
        Assert.Null(m.TryOpenInbound(Attacker));
        Assert.Contains(log.Lines, l => l.Contains("InboundUpgradeFailuresPerAddress"));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(m.TryOpenInbound(Attacker));
    }

    [Fact]
    public void StreamsAreCountedPerConnectionFromTheirOpenAndPerProtocolOnceNegotiated()
    {
        var limits = new ResourceLimits { StreamsInboundPerConnection = 2 };
        limits.Protocols["/p/1"] = new ProtocolLimits(StreamsInbound: 1, StreamsOutbound: 1, Memory: 1 << 20);
        var (m, _, _, _) = Create(limits);
        var c = m.TryOpenInbound(Attacker)!;
        Assert.Null(m.TryEstablish(c, PrivateKey.Generate().ToPeerId()));
        var s1 = m.OpenStream(c, inbound: true)!;
        var s2 = m.OpenStream(c, inbound: true)!;
        Assert.Null(m.OpenStream(c, inbound: true)); // negotiating streams count: the third is refused (RST)
        Assert.Null(m.SetProtocol(s1, "/p/1"));
        Assert.Equal("StreamsInboundPerProtocol", m.SetProtocol(s2, "/p/1")!.Limit);
        s1.Close();
        s2.Close();
        Assert.Equal(0, m.Usage.StreamsInbound);
    }

    [Fact]
    public void MemoryIsChargedToEveryScopeAboveAndRefusedWhenOneIsFull()
    {
        var limits = new ResourceLimits { MemoryPerConnection = 1000, MemoryPerAddress = 1500 };
        var (m, log, _, _) = Create(limits);
        var c1 = m.TryOpenInbound(Attacker)!;
        var c2 = m.TryOpenInbound(Attacker)!;
        Assert.True(c1.TryReserveMemory(900));
        Assert.False(c1.TryReserveMemory(200));        // the connection's own limit
        Assert.False(c2.TryReserveMemory(700));        // the address's: 900 + 700 > 1500
        Assert.True(c2.TryReserveMemory(600));
        Assert.Equal(1500, m.Usage.Memory);
        var e = Assert.Throws<ResourceLimitExceededException>(() => c2.ReserveMemory(1));
        Assert.Equal("MemoryPerAddress", e.Limit);
        c1.ReleaseMemory(900);
        m.Close(c2);                                   // closing returns what a connection still holds
        Assert.Equal(0, m.Usage.Memory);
        Assert.Contains(log.Lines, l => l.Contains("MemoryPerConnection"));
    }

    [Fact]
    public void AReleaseAfterTheStreamClosedIsNotTakenTwiceAndAReservationIsRefused()
    {
        var (m, _, _, _) = Create();
        var c = m.TryOpenInbound(Attacker)!;
        Assert.Null(m.TryEstablish(c, PrivateKey.Generate().ToPeerId()));
        var s = m.OpenStream(c, inbound: true)!;
        Assert.Null(m.SetProtocol(s, "/perf/1.0.0"));
        s.ReserveMemory(256 * 1024);                   // a handler's buffer (perf)
        s.Close();                                     // the stream is done first: everything it held returns
        Assert.Equal(0, m.Usage.Memory);
        s.ReleaseMemory(256 * 1024);                   // the handler's finally, later
        Assert.Equal(0, m.Usage.Memory);
        Assert.Equal(0, c.MemoryUsed);
        Assert.False(s.TryReserveMemory(1));           // nothing would give it back
        Assert.Equal(0, m.Usage.Memory);
    }

    [Fact]
    public void AConnectionClosingBeforeItsStreamsReturnsTheirMemoryOnce()
    {
        var (m, _, _, _) = Create();
        var c = m.TryOpenInbound(Attacker)!;
        Assert.Null(m.TryEstablish(c, PrivateKey.Generate().ToPeerId()));
        var s = m.OpenStream(c, inbound: true)!;
        Assert.True(s.TryReserveMemory(4096));         // a ring the application has not drained yet
        Assert.True(c.TryReserveMemory(100));          // and something charged to the connection itself
        Assert.Equal(4196, m.Usage.Memory);
        m.Close(c);
        Assert.Equal(0, m.Usage.Memory);
        s.ReleaseMemory(4096);                         // the ring drains after the connection is gone
        s.Close();
        Assert.Equal(0, m.Usage.Memory);
        Assert.Equal(0, s.MemoryUsed);
    }

    [Fact]
    public void AReleaseAfterTheConnectionClosedIsNotTakenTwiceAndAReservationIsRefused()
    {
        var (m, _, _, _) = Create();
        var c = m.TryOpenInbound(Attacker)!;
        Assert.Null(m.TryEstablish(c, PrivateKey.Generate().ToPeerId()));
        Assert.True(c.TryReserveMemory(4096));         // a protocol's queue for the peer (pubsub)
        m.Close(c);                                    // the connection goes first: what it held returns
        Assert.Equal(0, m.Usage.Memory);
        c.ReleaseMemory(4096);                         // the queue is closed later
        Assert.Equal(0, m.Usage.Memory);
        Assert.Equal(0, c.MemoryUsed);
        Assert.False(c.TryReserveMemory(1));           // nothing would give it back
        Assert.Equal(0, m.Usage.Memory);
    }

    [Fact]
    public void AServiceScopeIsChargedToTheNodeAndRefusedPastItsLimit()
    {
        var limits = new ResourceLimits { MemoryPerService = 1000 };
        limits.Services["libp2p.relay/v2"] = 300;
        var (m, log, _, metric) = Create(limits);
        var relay = m.Service("libp2p.relay/v2");
        var dht = m.Service("libp2p.dht");
        Assert.Same(relay, m.Service("libp2p.relay/v2"));
        Assert.Equal(300, relay.MemoryLimit);          // Services[name] over MemoryPerService
        Assert.Equal(1000, dht.MemoryLimit);

        Assert.True(relay.TryReserveMemory(200));
        Assert.False(relay.TryReserveMemory(200));
        Assert.True(dht.TryReserveMemory(900));
        Assert.Equal(1100, m.Usage.Memory);            // both charged to the node
        Assert.Equal(["MemoryPerService"], metric);
        Assert.Contains(log.Lines, l => l.Contains("service libp2p.relay/v2"));

        relay.ReleaseMemory(200);
        dht.ReleaseMemory(900);
        Assert.Equal(0, m.Usage.Memory);
    }

    [Fact]
    public void ARelayedConnectionIsNotCountedAgainstTheRelaysAddress()
    {
        var (m, _, _, _) = Create();
        var relay = Attacker.Encapsulate(MultiaddrComponent.P2p(PrivateKey.Generate().ToPeerId()));
        var scopes = new List<ConnectionScope>();
        for (int i = 0; i < 20; i++)
        {
            var source = PrivateKey.Generate().ToPeerId();
            var circuit = relay.Encapsulate(Multiaddr.Parse("/p2p-circuit")).Encapsulate(MultiaddrComponent.P2p(source));
            var scope = m.TryOpenInbound(circuit);
            Assert.NotNull(scope);                     // past PendingInboundPerAddress (8): the relay's IP is not theirs
            Assert.Null(scope.Address);
            Assert.Null(m.TryEstablish(scope, source));
            scopes.Add(scope);
        }
        Assert.Equal(0, m.Usage.Addresses);
        for (int i = 0; i < 8; i++) Assert.NotNull(m.TryOpenInbound(Attacker)); // the relay's own address keeps its eight
        foreach (var s in scopes) m.Close(s);
    }

    [Fact]
    public void UnlimitedLimitsRefuseNothing()
    {
        var (m, _, _, _) = Create(ResourceLimits.Unlimited());
        for (int i = 0; i < 10_000; i++) Assert.NotNull(m.TryOpenInbound(Attacker));
        Assert.Equal(0, m.Refusals);
    }

    internal sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add(formatter(state, exception));
        }
    }
}
