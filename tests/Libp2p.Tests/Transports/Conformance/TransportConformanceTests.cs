using System.Net;
using System.Net.Sockets;
using Libp2p.Core;
using Libp2p.Multiformats;
using Libp2p.Tests.Core;
using Libp2p.Transports;

namespace Libp2p.Tests.Transports.Conformance;

/// <summary>
/// What every <see cref="ITransport"/> promises, as the same tests for each provider (the rust-libp2p way):
/// listening announces real addresses, dialing reaches them, the life-cycle events come in order with real
/// addresses, half-close and abort behave, errors carry their <see cref="Libp2pError"/>, cancellation is
/// <see cref="OperationCanceledException"/>. A provider says how to make its transport and where a test runs
/// (the WASI one runs on a single-threaded loop, as in a component).
/// </summary>
public abstract class TransportConformanceTests
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="test"/>, giving it a way to make transports of this provider.</summary>
    protected abstract Task RunAsync(Func<Func<ITransport>, Task> test);

    [Fact]
    public Task ListeningAnnouncesTheRealPort() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();

        var id = transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));

        var announced = await NextAsync<TransportEvent.NewAddress>(transport);
        Assert.Equal(id, announced.ListenerId);
        Assert.Equal(IPAddress.Loopback, announced.Address.Components[0].ToIPAddress());
        Assert.NotEqual(0, Port(announced.Address));
        Assert.Equal(2, announced.Address.Components.Count);
    });

    [Fact]
    public Task ADialReachesTheListenerAndBothSidesSeeRealAddresses() => RunAsync(async newTransport =>
    {
        await using var server = newTransport();
        await using var client = newTransport();
        var id = server.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var address = (await NextAsync<TransportEvent.NewAddress>(server)).Address;

        await using var dialed = await client.DialAsync(address).AsTask().WaitAsync(Timeout);
        var incoming = await NextAsync<TransportEvent.Incoming>(server);
        await using var accepted = incoming.Connection;

        Assert.Equal(id, incoming.ListenerId);
        Assert.Equal(address, incoming.LocalAddress);
        Assert.Equal(address, accepted.LocalAddress);
        Assert.Equal(address, dialed.RemoteAddress);
        Assert.NotEqual(0, Port(dialed.LocalAddress));
        Assert.Equal(dialed.LocalAddress, incoming.RemoteAddress);
        Assert.Equal(dialed.LocalAddress, accepted.RemoteAddress);
    });

    [Fact]
    public Task BytesFlowBothWaysWithBackpressure() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        var (client, server) = await ConnectAsync(transport, "/ip4/127.0.0.1/tcp/0");
        await using var _c = client;
        await using var _s = server;
        var up = Pattern(512 * 1024, 1);
        var down = Pattern(384 * 1024, 2);

        // Both directions at once, each larger than any socket or host buffer: writes must wait for reads.
        var writeUp = WriteAndCloseAsync(client, up);
        var writeDown = WriteAndCloseAsync(server, down);
        var atServer = ReadToEndAsync(server);
        var atClient = ReadToEndAsync(client);
        await Task.WhenAll(writeUp, writeDown, atServer, atClient).WaitAsync(Timeout);

        Assert.Equal(up, await atServer);
        Assert.Equal(down, await atClient);
    });

    [Fact]
    public Task HalfCloseDeliversEofWhileTheOtherDirectionKeepsFlowing() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        var (client, server) = await ConnectAsync(transport, "/ip4/127.0.0.1/tcp/0");
        await using var _c = client;
        await using var _s = server;

        await client.WriteAsync("hello"u8.ToArray()).AsTask().WaitAsync(Timeout);
        await client.CloseWriteAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("hello"u8.ToArray(), await ReadToEndAsync(server));

        await server.WriteAsync("world"u8.ToArray()).AsTask().WaitAsync(Timeout);
        var reply = new byte[5];
        await client.ReadExactlyAsync(reply).AsTask().WaitAsync(Timeout);
        Assert.Equal("world"u8.ToArray(), reply);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.WriteAsync(new byte[1]).AsTask().WaitAsync(Timeout));
    });

    [Fact]
    public Task AZeroByteReadWaitsForDataAndConsumesNothing() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        var (client, server) = await ConnectAsync(transport, "/ip4/127.0.0.1/tcp/0");
        await using var _c = client;
        await using var _s = server;

        await ZeroByteReadContract.AssertAsync(client, server);
    });

    [Fact]
    public Task AbortFailsLocalOperationsAndEndsThePeersRead() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        var (client, server) = await ConnectAsync(transport, "/ip4/127.0.0.1/tcp/0");
        await using var _c = client;
        await using var _s = server;
        var pendingLocal = client.ReadAsync(new byte[16]).AsTask();
        var pendingPeer = server.ReadAsync(new byte[16]).AsTask();

        client.Abort();

        var local = await Assert.ThrowsAsync<TransportException>(() => pendingLocal.WaitAsync(Timeout));
        Assert.Equal(Libp2pError.ConnectionAborted, local.Libp2pError);
        var later = await Assert.ThrowsAsync<TransportException>(() => client.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));
        Assert.Equal(Libp2pError.ConnectionAborted, later.Libp2pError);
        // The peer sees the end: a reset where the host sends RST, an EOF where it closes (a WASI drop may do either).
        try { Assert.Equal(0, await pendingPeer.WaitAsync(Timeout)); }
        catch (TransportException e) { Assert.Equal(Libp2pError.ConnectionReset, e.Libp2pError); }
    });

    [Fact]
    public Task RemovingAListenerExpiresItsAddressThenClosesIt() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        var id = transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var address = (await NextAsync<TransportEvent.NewAddress>(transport)).Address;

        Assert.True(transport.RemoveListener(id));

        var expired = await NextAsync<TransportEvent.AddressExpired>(transport);
        Assert.Equal((id, address), (expired.ListenerId, expired.Address));
        var closed = await NextAsync<TransportEvent.ListenerClosed>(transport);
        Assert.Equal(id, closed.ListenerId);
        Assert.Null(closed.Reason);
        Assert.False(transport.RemoveListener(id));
        var refused = await Assert.ThrowsAsync<TransportException>(() => transport.DialAsync(address).AsTask().WaitAsync(Timeout));
        Assert.Equal(Libp2pError.ConnectionRefused, refused.Libp2pError);
    });

    [Fact]
    public Task ListenersAreIndependent() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        var first = transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var firstAddress = (await NextAsync<TransportEvent.NewAddress>(transport)).Address;
        var second = transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var secondAddress = (await NextAsync<TransportEvent.NewAddress>(transport)).Address;
        Assert.NotEqual(first, second);

        transport.RemoveListener(first);
        await NextAsync<TransportEvent.AddressExpired>(transport);
        await NextAsync<TransportEvent.ListenerClosed>(transport);

        await using var dialed = await transport.DialAsync(secondAddress).AsTask().WaitAsync(Timeout);
        var incoming = await NextAsync<TransportEvent.Incoming>(transport);
        await using var _ = incoming.Connection;
        Assert.Equal(second, incoming.ListenerId);
        var refused = await Assert.ThrowsAsync<TransportException>(() => transport.DialAsync(firstAddress).AsTask().WaitAsync(Timeout));
        Assert.Equal(Libp2pError.ConnectionRefused, refused.Libp2pError);
    });

    [Fact]
    public Task DisposingTheTransportEndsItsListenersAndEvents() => RunAsync(async newTransport =>
    {
        var transport = newTransport();
        transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var address = (await NextAsync<TransportEvent.NewAddress>(transport)).Address;

        await transport.DisposeAsync().AsTask().WaitAsync(Timeout);

        // Whatever it still reports, the event stream ends.
        while (await transport.Events.WaitToReadAsync().AsTask().WaitAsync(Timeout))
            transport.Events.TryRead(out _);
        await using var other = newTransport();
        var refused = await Assert.ThrowsAsync<TransportException>(() => other.DialAsync(address).AsTask().WaitAsync(Timeout));
        Assert.Equal(Libp2pError.ConnectionRefused, refused.Libp2pError);
    });

    [Fact]
    public Task IPv6LoopbackWorks() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        var (client, server) = await ConnectAsync(transport, "/ip6/::1/tcp/0");
        await using var _c = client;
        await using var _s = server;

        Assert.Equal(IPAddress.IPv6Loopback, client.RemoteAddress.Components[0].ToIPAddress());
        Assert.Equal(IPAddress.IPv6Loopback, server.RemoteAddress.Components[0].ToIPAddress());
        await client.WriteAsync("v6"u8.ToArray()).AsTask().WaitAsync(Timeout);
        var got = new byte[2];
        await server.ReadExactlyAsync(got).AsTask().WaitAsync(Timeout);
        Assert.Equal("v6"u8.ToArray(), got);
    });

    [Fact]
    public Task ADnsNameIsResolvedAndDialed() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var address = (await NextAsync<TransportEvent.NewAddress>(transport)).Address;

        await using var dialed = await transport.DialAsync(Multiaddr.Parse($"/dns4/localhost/tcp/{Port(address)}")).AsTask().WaitAsync(Timeout);
        var incoming = await NextAsync<TransportEvent.Incoming>(transport);
        await using var _ = incoming.Connection;

        Assert.Equal(address, dialed.RemoteAddress);
    });

    [Fact]
    public Task DialingWhereNothingListensIsRefused() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        int port = FreePort();

        var e = await Assert.ThrowsAsync<TransportException>(() =>
            transport.DialAsync(Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{port}")).AsTask().WaitAsync(Timeout));

        Assert.Equal(Libp2pError.ConnectionRefused, e.Libp2pError);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    });

    [Fact]
    public Task ListeningOnATakenPortIsAddressInUse() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var address = (await NextAsync<TransportEvent.NewAddress>(transport)).Address;

        var e = Assert.ThrowsAny<TransportException>(() => transport.Listen(address));

        Assert.Equal(Libp2pError.AddressInUse, e.Libp2pError);
    });

    [Theory]
    [InlineData("/ip4/127.0.0.1/udp/4001")]
    [InlineData("/ip4/127.0.0.1/tcp/4001/ws")]
    [InlineData("/dnsaddr/bootstrap.libp2p.io")]
    [InlineData("/ip6zone/eth0/ip4/127.0.0.1/tcp/4001")]
    public Task OtherAddressesAreNotHandled(string text) => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        var address = Multiaddr.Parse(text);

        Assert.False(transport.CanHandle(address));
        var dial = await Assert.ThrowsAsync<TransportNotSupportedException>(() => transport.DialAsync(address).AsTask().WaitAsync(Timeout));
        Assert.Equal(Libp2pError.AddressNotSupported, dial.Libp2pError);
        var listen = Assert.Throws<TransportNotSupportedException>(() => transport.Listen(address));
        Assert.Equal(Libp2pError.AddressNotSupported, listen.Libp2pError);
    });

    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/0")]
    [InlineData("/ip4/0.0.0.0/tcp/4001")]
    [InlineData("/ip6/::/tcp/4001")]
    public Task PortZeroAndUnspecifiedIpsAreNotDialable(string text) => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();

        var e = await Assert.ThrowsAsync<TransportNotSupportedException>(() =>
            transport.DialAsync(Multiaddr.Parse(text)).AsTask().WaitAsync(Timeout));

        Assert.Equal(Libp2pError.AddressNotSupported, e.Libp2pError);
    });

    [Theory]
    [InlineData("/dns4/localhost/tcp/0")]
    [InlineData("/ip4/127.0.0.1/tcp/0/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")]
    public Task NamesAndPeerIdsAreNotListenable(string text) => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();

        var e = Assert.Throws<TransportNotSupportedException>(() => transport.Listen(Multiaddr.Parse(text)));

        Assert.Equal(Libp2pError.AddressNotSupported, e.Libp2pError);
    });

    [Fact]
    public Task ACancelledDialIsOperationCanceled() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        // A listener whose accept queue is full and never drained: Linux drops further SYNs, so a connect hangs.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(endPoint).WaitAsync(Timeout);
        using var cts = new CancellationTokenSource();

        var dial = transport.DialAsync(Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{endPoint.Port}"), cts.Token).AsTask();
        await Task.Yield();
        Assert.False(dial.IsCompleted, "the dial was expected to hang until cancelled");
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dial.WaitAsync(Timeout));
    });

    [Fact]
    public Task ACancelledReadIsOperationCanceledAndTheConnectionGoesOn() => RunAsync(async newTransport =>
    {
        await using var transport = newTransport();
        var (client, server) = await ConnectAsync(transport, "/ip4/127.0.0.1/tcp/0");
        await using var _c = client;
        await using var _s = server;
        using var cts = new CancellationTokenSource();

        var read = server.ReadAsync(new byte[4], cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Timeout));

        await client.WriteAsync("more"u8.ToArray()).AsTask().WaitAsync(Timeout);
        var got = new byte[4];
        await server.ReadExactlyAsync(got).AsTask().WaitAsync(Timeout);
        Assert.Equal("more"u8.ToArray(), got);
    });

    private static async Task<T> NextAsync<T>(ITransport transport) where T : TransportEvent
    {
        var e = await transport.Events.ReadAsync().AsTask().WaitAsync(Timeout);
        return Assert.IsType<T>(e);
    }

    /// <summary>Listens on <paramref name="listen"/>, dials the announced address; returns both ends.</summary>
    private static async Task<(IRawConnection Client, IRawConnection Server)> ConnectAsync(ITransport transport, string listen)
    {
        transport.Listen(Multiaddr.Parse(listen));
        var address = (await NextAsync<TransportEvent.NewAddress>(transport)).Address;
        var client = await transport.DialAsync(address).AsTask().WaitAsync(Timeout);
        var server = (await NextAsync<TransportEvent.Incoming>(transport)).Connection;
        return (client, server);
    }

    private static async Task WriteAndCloseAsync(IDuplexStream stream, byte[] data)
    {
        for (int offset = 0; offset < data.Length; offset += 64 * 1024)
            await stream.WriteAsync(data.AsMemory(offset, Math.Min(64 * 1024, data.Length - offset)));
        await stream.CloseWriteAsync();
    }

    private static async Task<byte[]> ReadToEndAsync(IDuplexStream stream)
    {
        var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout)) > 0)
            all.Write(buffer, 0, n);
        return all.ToArray();
    }

    private static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static int Port(Multiaddr address) =>
        address.Components.Single(c => c.Protocol.Code == MultiaddrProtocol.Tcp.Code).ToPort();

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
