using System.Net;
using System.Net.Sockets;
using Libp2p.Multiformats;
using Libp2p.Transports;
using Libp2p.Transports.Tcp;

namespace Libp2p.Tests.Transports;

public sealed class TcpTransportDialTests : IAsyncLifetime
{
    private readonly TcpTransport _transport = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _transport.DisposeAsync().AsTask().WaitAsync(TransportTestExtensions.Timeout);

    [Fact]
    public async Task DialedConnectionEchoesAMegabyteThroughAnAcceptedOne()
    {
        var address = await _transport.ListenOneAsync("/ip4/127.0.0.1/tcp/0");
        await using var client = await _transport.DialAsync(address).AsTask().WaitAsync(TransportTestExtensions.Timeout);
        var incoming = await _transport.NextAsync<TransportEvent.Incoming>();
        await using var server = incoming.Connection;
        var echo = server.EchoUntilEofAsync();
        var data = new byte[1 << 20];
        new Random(7).NextBytes(data);

        var reading = client.ReadToEndAsync();
        await client.WriteAsync(data).AsTask().WaitAsync(TransportTestExtensions.Timeout);
        await client.CloseWriteAsync().AsTask().WaitAsync(TransportTestExtensions.Timeout);

        Assert.Equal(data, await reading);
        await echo;
        Assert.Equal(address, client.RemoteAddress);
        Assert.Equal(client.LocalAddress, incoming.RemoteAddress);
        Assert.Equal(client.LocalAddress, server.RemoteAddress);
    }

    [Fact]
    public async Task ZeroByteReadWaitsForDataConsumesNothingAndReturnsZero()
    {
        var address = await _transport.ListenOneAsync("/ip4/127.0.0.1/tcp/0");
        await using var client = await _transport.DialAsync(address).AsTask().WaitAsync(TransportTestExtensions.Timeout);
        var incoming = await _transport.NextAsync<TransportEvent.Incoming>();
        await using var server = incoming.Connection;
        await Libp2p.Tests.Core.ZeroByteReadContract.AssertAsync(client, server);
    }

    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/0")]
    [InlineData("/ip4/0.0.0.0/tcp/4001")]
    [InlineData("/ip6/::/tcp/4001")]
    [InlineData("/ip4/127.0.0.1/udp/4001")]
    [InlineData("/dns4/localhost/udp/4001")]
    public async Task UndialableAddressesAreNotSupported(string address)
    {
        var parsed = Multiaddr.Parse(address);

        var e = await Assert.ThrowsAsync<TransportNotSupportedException>(() => _transport.DialAsync(parsed).AsTask().WaitAsync(TransportTestExtensions.Timeout));

        Assert.Contains("not supported", e.Message);
    }

    [Theory]
    [InlineData("/ip4/1.2.3.4/tcp/1", true)]
    [InlineData("/ip6/::1/tcp/1", true)]
    [InlineData("/dns/example.com/tcp/1", true)]
    [InlineData("/dns4/example.com/tcp/1/p2p/12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB", true)]
    [InlineData("/ip4/1.2.3.4/udp/1", false)]
    [InlineData("/ip4/1.2.3.4/tcp/1/tcp/2", false)]
    [InlineData("/tcp/1", false)]
    public void CanHandleAcceptsTcpShapesOnly(string address, bool expected) =>
        Assert.Equal(expected, _transport.CanHandle(Multiaddr.Parse(address)));

    [Fact]
    public async Task ATrailingP2pComponentIsAcceptedAndIgnored()
    {
        var address = await _transport.ListenOneAsync("/ip4/127.0.0.1/tcp/0");
        var withPeer = Multiaddr.Parse($"{address}/p2p/12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB");

        await using var client = await _transport.DialAsync(withPeer).AsTask().WaitAsync(TransportTestExtensions.Timeout);
        var incoming = await _transport.NextAsync<TransportEvent.Incoming>();
        await incoming.Connection.DisposeAsync();

        Assert.Equal(address, client.RemoteAddress);
    }

    [Fact]
    public async Task Dns4LocalhostResolvesToTheIpv4LoopbackListener()
    {
        var address = await _transport.ListenOneAsync("/ip4/127.0.0.1/tcp/0");

        await using var client = await _transport.DialAsync(Multiaddr.Parse($"/dns4/localhost/tcp/{address.Port()}")).AsTask().WaitAsync(TransportTestExtensions.Timeout);
        var incoming = await _transport.NextAsync<TransportEvent.Incoming>();
        await incoming.Connection.DisposeAsync();

        Assert.Equal(address, client.RemoteAddress);
    }

    [Fact]
    public async Task ARefusedDialIsATransportErrorNamingTheAddress()
    {
        int port = FreePort();

        var e = await Assert.ThrowsAsync<TransportException>(() =>
            _transport.DialAsync(Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{port}")).AsTask().WaitAsync(TransportTestExtensions.Timeout));

        Assert.Equal($"connection refused by 127.0.0.1:{port}", e.Message);
        Assert.Equal(Libp2pError.ConnectionRefused, e.Libp2pError);
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(e.InnerException).SocketErrorCode);
    }

    [Fact]
    public async Task AnUnresolvableNameIsATransportError()
    {
        var e = await Assert.ThrowsAnyAsync<TransportException>(() =>
            _transport.DialAsync(Multiaddr.Parse("/dns4/no-such-host.invalid/tcp/4001")).AsTask().WaitAsync(TransportTestExtensions.Timeout));

        Assert.IsNotType<TransportNotSupportedException>(e);
        Assert.Equal(Libp2pError.NameResolutionFailed, e.Libp2pError);
        Assert.Contains("no-such-host.invalid", e.Message);
    }

    [Fact]
    public async Task HalfCloseDeliversEofWhileTheOtherDirectionKeepsFlowing()
    {
        var address = await _transport.ListenOneAsync("/ip4/127.0.0.1/tcp/0");
        await using var client = await _transport.DialAsync(address).AsTask().WaitAsync(TransportTestExtensions.Timeout);
        await using var server = (await _transport.NextAsync<TransportEvent.Incoming>()).Connection;

        await client.WriteTextAsync("hello");
        await client.CloseWriteAsync().AsTask().WaitAsync(TransportTestExtensions.Timeout);
        Assert.Equal("hello", await server.ReadTextAsync(5));
        Assert.Equal(0, await server.ReadAsync(new byte[1]).AsTask().WaitAsync(TransportTestExtensions.Timeout));

        await server.WriteTextAsync("world");
        Assert.Equal("world", await client.ReadTextAsync(5));
        await server.CloseWriteAsync().AsTask().WaitAsync(TransportTestExtensions.Timeout);
        Assert.Equal(0, await client.ReadAsync(new byte[1]).AsTask().WaitAsync(TransportTestExtensions.Timeout));
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.WriteTextAsync("late"));
    }

    [Fact]
    public async Task AbortResetsTheConnectionForThePeerAndFailsLocalOperations()
    {
        var address = await _transport.ListenOneAsync("/ip4/127.0.0.1/tcp/0");
        await using var client = await _transport.DialAsync(address).AsTask().WaitAsync(TransportTestExtensions.Timeout);
        await using var server = (await _transport.NextAsync<TransportEvent.Incoming>()).Connection;
        var pendingRead = server.ReadAsync(new byte[16]).AsTask();

        client.Abort(new InvalidOperationException("test abort"));

        // linger 0 sends RST, which the peer reads as a reset (not a clean EOF)
        var reset = await Assert.ThrowsAsync<TransportException>(() => pendingRead.WaitAsync(TransportTestExtensions.Timeout));
        Assert.Contains("reset", reset.Message);
        Assert.Equal(Libp2pError.ConnectionReset, reset.Libp2pError);
        var local = await Assert.ThrowsAsync<TransportException>(() => client.ReadAsync(new byte[1]).AsTask().WaitAsync(TransportTestExtensions.Timeout));
        Assert.Equal(Libp2pError.ConnectionAborted, local.Libp2pError);
        Assert.IsType<InvalidOperationException>(local.InnerException);
    }

    [Fact]
    public async Task AbortFailsAReadPendingOnTheSameConnection()
    {
        var address = await _transport.ListenOneAsync("/ip4/127.0.0.1/tcp/0");
        await using var client = await _transport.DialAsync(address).AsTask().WaitAsync(TransportTestExtensions.Timeout);
        await using var server = (await _transport.NextAsync<TransportEvent.Incoming>()).Connection;
        var pendingRead = client.ReadAsync(new byte[16]).AsTask();

        client.Abort();

        var e = await Assert.ThrowsAsync<TransportException>(() => pendingRead.WaitAsync(TransportTestExtensions.Timeout));
        Assert.Equal(Libp2pError.ConnectionAborted, e.Libp2pError);
    }

    [Fact]
    public async Task ADialThatHangsTimesOutOnTheGivenClock()
    {
        // A listener with backlog 0 that never accepts: once one connection fills its queue,
        // Linux drops further SYNs, so the next connect hangs until our timeout ends it.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(endPoint).WaitAsync(TransportTestExtensions.Timeout);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var transport = new TcpTransport(new TcpTransportOptions { TimeProvider = time, ConnectTimeout = TimeSpan.FromHours(1) });

        var dial = transport.DialAsync(Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{endPoint.Port}")).AsTask();
        time.Advance(TimeSpan.FromHours(1));

        var e = await Assert.ThrowsAsync<TransportException>(() => dial.WaitAsync(TransportTestExtensions.Timeout));
        Assert.Contains("timed out", e.Message);
        Assert.True(e.IsTimeout);
        Assert.IsType<TimeoutException>(e.InnerException);
    }

    [Fact]
    public async Task CancellingADialThrowsOperationCanceledExceptionNotATransportError()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _transport.DialAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/9"), cts.Token).AsTask().WaitAsync(TransportTestExtensions.Timeout));
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
