using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Interop.Tests.JsPeers;
using Libp2p.Multiformats;
using Libp2p.Relay;
using Libp2p.Transports.Tcp;

namespace Libp2p.Interop.Tests.Relay;

/// <summary>
/// Circuit relay v2 with js-libp2p (@libp2p/circuit-relay-v2 4.2.13, interop/js/peer.mjs) in both roles: our relay
/// carrying js ends, and a js relay carrying our ends. Each end reserves or dials over real TCP; the relayed connection
/// is upgraded with Noise and Yamux end to end and is limited.
/// </summary>
public class RelayJsInteropTests
{
    private static readonly TimeSpan T = TimeSpan.FromSeconds(60);

    internal static Libp2pHost Host(Action<HostOptions>? configure = null)
    {
        var options = new HostOptions { AgentVersion = "dotnet-relay-interop-test" };
        options.Transports.Add(new TcpTransport());
        options.AddCircuitRelay();
        configure?.Invoke(options);
        return new Libp2pHost(options);
    }

    /// <summary>A C# relay (TCP listener, hop service); returns its address ending in /p2p/RELAY.</summary>
    internal static async Task<(Libp2pHost Host, RelayService Service, Multiaddr Address)> StartRelayAsync()
    {
        var host = Host();
        var addrs = await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T);
        return (host, host.StartRelayService(), addrs[0].WithPeerId(host.PeerId));
    }

    [Fact]
    public async Task ACSharpRelayCarriesAJsDialerToAJsListener()
    {
        var (relayHost, service, relay) = await StartRelayAsync();
        await using var _ = relayHost;
        await using var __ = service;

        // The js listener reserves on our relay and announces only the circuit address (it listens on nothing else).
        await using var listener = await JsPeer.StartAsync("--via", relay.ToString());
        var circuit = $"{relay}/p2p-circuit/p2p/{listener.PeerId}";
        Assert.Equal([circuit], listener.Addrs);
        Assert.Contains(service.Reservations, p => p.ToString() == listener.PeerId);

        await using var dialer = await JsPeer.StartAsync("--dial", circuit, "--ping", "2", "--echo-streams", "1", "--echo-bytes", "4096",
            "--exit-after-actions", "--ignore-stdin");
        var (code, events) = await dialer.WaitForExitAsync(T);
        Assert.True(code == 0, dialer.Process.Stdout + dialer.Process.Stderr);
        Assert.Equal(2, events.Count(e => e.GetProperty("event").GetString() == "ping"));
        var echo = events.Single(e => e.GetProperty("event").GetString() == "echo");
        Assert.True(echo.GetProperty("ok").GetBoolean());
        Assert.Equal(4096, echo.GetProperty("bytes").GetInt64());
        var opened = events.Single(e => e.GetProperty("event").GetString() == "connection:open" && e.GetProperty("peer").GetString() == listener.PeerId);
        Assert.Equal(circuit, opened.GetProperty("remoteAddr").GetString());
        Assert.True(service.Stats.CircuitsOpened >= 1);
        Assert.True(service.Stats.BytesRelayed >= 2 * 4096, $"relayed {service.Stats.BytesRelayed} bytes");
    }

    [Fact]
    public async Task AJsRelayCarriesACSharpDialerToACSharpListener()
    {
        await using var jsRelay = await JsPeer.StartAsync("--relay");
        var relay = Multiaddr.Parse(jsRelay.Addrs[0]);

        await using var listener = Host();
        var announced = await listener.ListenAsync(CircuitAddress.ListenAddress(relay)).AsTask().WaitAsync(T);
        var circuit = CircuitAddress.DialAddress(relay, listener.PeerId);
        Assert.Equal([circuit.WithoutPeerId()], announced);
        Assert.Equal([circuit], listener.ListenAddresses);

        await using var dialer = Host();
        var connection = await dialer.DialAsync(circuit).AsTask().WaitAsync(T);
        Assert.Equal(listener.PeerId, connection.RemotePeer);
        Assert.True(connection.IsLimited);
        Assert.Equal(circuit, connection.RemoteAddress);
        for (int i = 0; i < 2; i++)
            Assert.True(await dialer.PingAsync(connection).AsTask().WaitAsync(T) > TimeSpan.Zero);
        var info = await dialer.IdentifyAsync(connection).AsTask().WaitAsync(T);
        Assert.Equal("dotnet-relay-interop-test", info.AgentVersion);
        Assert.Contains(circuit.WithoutPeerId(), info.ListenAddresses);

        // The listener sees the same relayed connection, limited, from the dialer.
        var inbound = listener.Connections.Single(c => c.RemotePeer == dialer.PeerId);
        Assert.True(inbound.IsLimited);
        Assert.Equal(ConnectionDirection.Inbound, inbound.Direction);
    }

    [Fact]
    public async Task AJsRelayRefusesACircuitToACSharpPeerWithoutAReservation()
    {
        await using var jsRelay = await JsPeer.StartAsync("--relay");
        await using var target = Host();
        await using var dialer = Host();
        var circuit = CircuitAddress.DialAddress(Multiaddr.Parse(jsRelay.Addrs[0]), target.PeerId);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => dialer.DialAsync(circuit).AsTask().WaitAsync(T));
        var refusal = Assert.IsType<CircuitRelayException>(Unwrap(e));
        Assert.Equal(RelayStatus.NoReservation, refusal.Status);
        Assert.Contains("NO_RESERVATION", refusal.Message);
    }

    /// <summary>The host may wrap a transport's failure in its own dial exception; the relay's refusal is inside.</summary>
    private static Exception Unwrap(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is CircuitRelayException) return x;
        if (e is AggregateException a)
            foreach (var inner in a.InnerExceptions)
                if (Unwrap(inner) is CircuitRelayException c) return c;
        return e;
    }
}
