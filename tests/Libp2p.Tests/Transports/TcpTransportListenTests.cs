using System.Net;
using System.Net.Sockets;
using Libp2p.Multiformats;
using Libp2p.Transports;
using Libp2p.Transports.Tcp;

namespace Libp2p.Tests.Transports;

public sealed class TcpTransportListenTests : IAsyncLifetime
{
    private readonly TcpTransport _transport = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _transport.DisposeAsync().AsTask().WaitAsync(TransportTestExtensions.Timeout);

    [Fact]
    public async Task ListenOnPortZeroAnnouncesTheRealPort()
    {
        var id = _transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));

        var e = await _transport.NextAsync<TransportEvent.NewAddress>();

        Assert.Equal(id, e.ListenerId);
        Assert.Equal(IPAddress.Loopback, e.Address.Ip());
        Assert.NotEqual(0, e.Address.Port());
    }

    [Fact]
    public async Task TwoListenersEachReportTheirOwnIncomingConnections()
    {
        var a = _transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var addrA = (await _transport.NextAsync<TransportEvent.NewAddress>()).Address;
        var b = _transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var addrB = (await _transport.NextAsync<TransportEvent.NewAddress>()).Address;
        Assert.NotEqual(a, b);
        Assert.NotEqual(addrA.Port(), addrB.Port());

        await using var toB = await _transport.DialAsync(addrB).AsTask().WaitAsync(TransportTestExtensions.Timeout);
        var inB = await _transport.NextAsync<TransportEvent.Incoming>();
        await using var toA = await _transport.DialAsync(addrA).AsTask().WaitAsync(TransportTestExtensions.Timeout);
        var inA = await _transport.NextAsync<TransportEvent.Incoming>();

        Assert.Equal(b, inB.ListenerId);
        Assert.Equal(addrB, inB.LocalAddress);
        Assert.Equal(toB.LocalAddress, inB.RemoteAddress);
        Assert.Equal(a, inA.ListenerId);
        Assert.Equal(addrA, inA.LocalAddress);
        Assert.Equal(toA.LocalAddress, inA.RemoteAddress);
        await inA.Connection.DisposeAsync();
        await inB.Connection.DisposeAsync();
    }

    [Fact]
    public async Task RemovingAListenerExpiresItsAddressThenClosesItAndStopsAccepting()
    {
        var id = _transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var address = (await _transport.NextAsync<TransportEvent.NewAddress>()).Address;

        Assert.True(_transport.RemoveListener(id));

        var expired = await _transport.NextAsync<TransportEvent.AddressExpired>();
        Assert.Equal(id, expired.ListenerId);
        Assert.Equal(address, expired.Address);
        var closed = await _transport.NextAsync<TransportEvent.ListenerClosed>();
        Assert.Equal(id, closed.ListenerId);
        Assert.Null(closed.Reason);
        Assert.False(_transport.RemoveListener(id));
        await Assert.ThrowsAsync<TransportException>(() => _transport.DialAsync(address).AsTask().WaitAsync(TransportTestExtensions.Timeout));
    }

    [Fact]
    public async Task WildcardIpv4ListenerAnnouncesEveryInterfaceAddressIncludingLoopbackAndExpiresThemAll()
    {
        var id = _transport.Listen(Multiaddr.Parse("/ip4/0.0.0.0/tcp/0"));
        var first = await _transport.NextAsync<TransportEvent.NewAddress>();
        int port = first.Address.Port();

        // A connection to loopback arrives after every NewAddress of the listener.
        await using var client = await _transport.DialAsync(Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{port}")).AsTask().WaitAsync(TransportTestExtensions.Timeout);
        var (incoming, before) = await _transport.UntilAsync<TransportEvent.Incoming>();
        await incoming.Connection.DisposeAsync();
        var announced = before.Cast<TransportEvent.NewAddress>().Select(e => e.Address).Prepend(first.Address).ToList();

        Assert.Contains(Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{port}"), announced);
        Assert.All(announced, a =>
        {
            Assert.Equal(port, a.Port());
            Assert.Equal(AddressFamily.InterNetwork, a.Ip().AddressFamily);
            Assert.NotEqual(IPAddress.Any, a.Ip());
        });
        Assert.Equal(announced.Count, announced.Distinct().Count());
        Assert.Equal(Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{port}"), incoming.LocalAddress);

        Assert.True(_transport.RemoveListener(id));
        var (closed, expiredEvents) = await _transport.UntilAsync<TransportEvent.ListenerClosed>();
        var expired = expiredEvents.Cast<TransportEvent.AddressExpired>().Select(e => e.Address).ToList();
        Assert.Equal(announced.OrderBy(a => a.ToString()), expired.OrderBy(a => a.ToString()));
        Assert.Null(closed.Reason);
    }

    [Fact]
    public async Task Ipv6LoopbackListenerServesIpv6()
    {
        var address = await _transport.ListenOneAsync("/ip6/::1/tcp/0");
        Assert.Equal(IPAddress.IPv6Loopback, address.Ip());

        await using var client = await _transport.DialAsync(address).AsTask().WaitAsync(TransportTestExtensions.Timeout);
        var incoming = await _transport.NextAsync<TransportEvent.Incoming>();
        await using var server = incoming.Connection;

        Assert.Equal(IPAddress.IPv6Loopback, incoming.RemoteAddress.Ip());
        await client.WriteTextAsync("six");
        Assert.Equal("six", await server.ReadTextAsync(3));
    }

    [Fact]
    public async Task Ipv6WildcardListenerIsV6OnlySoIpv4CanBindTheSamePort()
    {
        _transport.Listen(Multiaddr.Parse("/ip6/::/tcp/0"));
        var (first, _) = await _transport.UntilAsync<TransportEvent.NewAddress>();
        int port = first.Address.Port();
        Assert.Equal(AddressFamily.InterNetworkV6, first.Address.Ip().AddressFamily);

        // With dual mode the v6 socket would own the v4 port too and this bind would fail (address in use).
        var v4 = _transport.Listen(Multiaddr.Parse($"/ip4/0.0.0.0/tcp/{port}"));
        Assert.True(_transport.RemoveListener(v4));
    }

    [Fact]
    public async Task ListeningOnAPortInUseIsATransportErrorNotUnsupported()
    {
        var address = await _transport.ListenOneAsync("/ip4/127.0.0.1/tcp/0");

        var e = Assert.ThrowsAny<TransportException>(() => _transport.Listen(address));

        Assert.IsNotType<TransportNotSupportedException>(e);
        Assert.Contains("in use", e.Message);
    }

    [Theory]
    [InlineData("/dns4/localhost/tcp/0")]
    [InlineData("/ip4/127.0.0.1/udp/0")]
    [InlineData("/ip4/127.0.0.1")]
    public void ListeningOnAnAddressItCannotBindIsNotSupported(string address)
    {
        var e = Assert.Throws<TransportNotSupportedException>(() => _transport.Listen(Multiaddr.Parse(address)));
        Assert.Contains("not supported", e.Message);
    }

    [Fact]
    public async Task DisposingTheTransportCompletesTheEventChannel()
    {
        var transport = new TcpTransport();
        transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));

        await transport.DisposeAsync().AsTask().WaitAsync(TransportTestExtensions.Timeout);

        // what was written before disposal can still be read; then the channel ends
        var left = new List<TransportEvent>();
        await foreach (var e in transport.Events.ReadAllAsync().WithCancellation(new CancellationTokenSource(TransportTestExtensions.Timeout).Token))
            left.Add(e);
        Assert.All(left, e => Assert.IsType<TransportEvent.NewAddress>(e));
        Assert.True(transport.Events.Completion.IsCompleted);
        Assert.Throws<ObjectDisposedException>(() => transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")));
    }
}
