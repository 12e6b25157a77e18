using Libp2p.Multiformats;
using Libp2p.Tests.Transports.Conformance;
using Libp2p.Transport.WasiSockets;
using Libp2p.Transport.WasiSockets.Wit;
using Libp2p.Transports;
using Libp2p.Transports.Tcp;

namespace Libp2p.Tests.WasiSockets;

/// <summary>
/// What only the WASI transport does, in-process over <see cref="LoopbackWasiBackend"/> (the shared behaviour is
/// in <see cref="WasiTcpTransportConformanceTests"/>).
/// </summary>
public class WasiTcpTransportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public Task ADeniedNetworkSaysWhatToGrantAndKeepsTheWasiCode() => WasiTransports.RunAsync(async (environment, backend) =>
    {
        backend.DenyNetwork = true;
        await using var transport = new WasiTcpTransport(environment);

        var listen = Assert.Throws<NetworkAccessDeniedException>(() => transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")));
        var dial = await Assert.ThrowsAsync<NetworkAccessDeniedException>(() =>
            transport.DialAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001")).AsTask().WaitAsync(Timeout));

        foreach (var e in new[] { listen, dial })
        {
            Assert.Equal(Libp2pError.AccessDenied, e.Libp2pError);
            Assert.Equal(NetworkErrorCode.AccessDenied, Assert.IsType<WasiNetworkException>(e.InnerException).ErrorCode);
            Assert.Contains("-S inherit-network", e.Message);
        }
        Assert.Equal(0, backend.LiveSockets); // the failed sockets were dropped
    });

    [Fact]
    public Task EverySocketStreamAndPollableIsDroppedChildrenFirstOnceConnectionsAndTheTransportAreDisposed() => WasiTransports.RunAsync(async (environment, backend) =>
    {
        var transport = new WasiTcpTransport(environment);
        transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var address = ((TransportEvent.NewAddress)await transport.Events.ReadAsync().AsTask().WaitAsync(Timeout)).Address;
        var client = await transport.DialAsync(address).AsTask().WaitAsync(Timeout);
        var server = ((TransportEvent.Incoming)await transport.Events.ReadAsync().AsTask().WaitAsync(Timeout)).Connection;
        await client.WriteAsync("x"u8.ToArray()).AsTask().WaitAsync(Timeout);
        Assert.Equal(1, await server.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));
        Assert.Equal(3, backend.LiveSockets);

        // Dropping a parent before its children would have trapped in the backend (and failed here).
        await client.DisposeAsync().AsTask().WaitAsync(Timeout);
        await server.DisposeAsync().AsTask().WaitAsync(Timeout);
        await transport.DisposeAsync().AsTask().WaitAsync(Timeout);

        // What may stay are the event loop's own clock pollables: one for zero-timeout polls, kept for the loop's
        // life, and the blocking turns' one, kept until the loop stops (stale timers of the closed connections still
        // keep it turning for a while).
        Assert.All(backend.LiveResources, r => Assert.Equal("clock pollable", r));
        Assert.True(backend.LiveHandles <= 2, string.Join(", ", backend.LiveResources));
    });

    [Fact]
    public Task SmallReadsAreServedFromOneHostReadAndAnIdleConnectionHoldsNoReadAheadBuffer() => WasiTransports.RunAsync(async (environment, backend) =>
    {
        await using var transport = new WasiTcpTransport(environment);
        transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var address = ((TransportEvent.NewAddress)await transport.Events.ReadAsync().AsTask().WaitAsync(Timeout)).Address;
        await using var client = await transport.DialAsync(address).AsTask().WaitAsync(Timeout);
        await using var server = (WasiTcpConnection)((TransportEvent.Incoming)await transport.Events.ReadAsync().AsTask().WaitAsync(Timeout)).Connection;
        var sent = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
        await client.WriteAsync(sent).AsTask().WaitAsync(Timeout);
        // Readable: the 200 bytes left in one send on loopback, so they arrive together.
        await server.ReadAsync(Memory<byte>.Empty).AsTask().WaitAsync(Timeout);

        int readsBefore = backend.Reads;
        var received = new byte[sent.Length];
        for (int i = 0; i < received.Length; i++)
        {
            // One byte at a time, as multistream-select reads a length varint.
            Assert.Equal(1, await server.ReadAsync(received.AsMemory(i, 1)).AsTask().WaitAsync(Timeout));
            Assert.Equal(i < received.Length - 1, server.HoldsReadAhead);
        }
        Assert.Equal(sent, received);
        Assert.Equal(1, backend.Reads - readsBefore);
        Assert.False(server.HoldsReadAhead);
    });

    [Theory]
    [InlineData("/ip4/1.2.3.4/tcp/80")]
    [InlineData("/ip6zone/2/ip6/fe80::1/tcp/80")]
    [InlineData("/dns6/example.com/tcp/80/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")]
    [InlineData("/ip4/1.2.3.4/udp/80")]
    [InlineData("/ip6zone/2/ip4/1.2.3.4/tcp/80")]
    public Task ItServesWhatTheTcpTransportServes(string text) => WasiTransports.RunAsync(async (environment, backend) =>
    {
        var address = Multiaddr.Parse(text);
        await using var tcp = new TcpTransport();
        await using var wasi = new WasiTcpTransport(environment);

        Assert.Equal(TcpMultiaddr.TryParse(address, out _, out _), tcp.CanHandle(address));
        Assert.Equal(tcp.CanHandle(address), wasi.CanHandle(address));
    });
}
