using Google.Protobuf;
using Libp2p.Daemon.Pb;
using Libp2p.Host.Resources;
using Libp2p.Multiformats;
using Libp2p.Protocols.Echo;

namespace Libp2p.Tests.Daemon;

/// <summary>Malformed and oversized messages, and every limit a control client can hit: what it sees, and that the daemon goes on.</summary>
public class DaemonLimitTests
{
    private static Request Identify() => new() { Type = Request.Types.Type.Identify };

    private static void AssertError(Response response, string contains)
    {
        Assert.Equal(Response.Types.Type.Error, response.Type);
        Assert.Contains(contains, response.Error.Msg);
    }

    [Fact]
    public async Task MalformedMessageGetsAnErrorThenOnlyThatConnectionCloses()
    {
        await using var h = await DaemonHarness.StartAsync();
        var bad = h.Connect();
        var good = h.Connect();
        Assert.Equal(Response.Types.Type.Ok, (await good.RequestAsync(Identify())).Type);

        await bad.SendRawAsync([3, 0xFF, 0xFF, 0xFF]);
        AssertError(await bad.ReadAsync(Response.Parser), "Malformed control request");
        Assert.True(await bad.IsClosedAsync());

        Assert.Equal(Response.Types.Type.Ok, (await good.RequestAsync(Identify())).Type);
        Assert.Equal(Response.Types.Type.Ok, (await h.Connect().RequestAsync(Identify())).Type);
    }

    [Fact]
    public async Task OversizedMessageIsRefusedFromItsLengthPrefixThenTheConnectionCloses()
    {
        await using var h = await DaemonHarness.StartAsync(o => o.MaxMessageSize = 64);
        var client = h.Connect();

        await client.SendRawAsync(Varint.Encode(65)); // no payload follows: the prefix alone is refused
        AssertError(await client.ReadAsync(Response.Parser), "at most 64");
        Assert.True(await client.IsClosedAsync());
        Assert.Equal(Response.Types.Type.Ok, (await h.Connect().RequestAsync(Identify())).Type);
    }

    [Fact]
    public async Task ControlConnectionsOverTheLimitGetAnErrorAndAreClosed()
    {
        await using var h = await DaemonHarness.StartAsync(o => o.MaxControlConnections = 1);
        var first = h.Connect();
        Assert.Equal(Response.Types.Type.Ok, (await first.RequestAsync(Identify())).Type); // being served now

        var second = h.Connect();
        AssertError(await second.ReadAsync(Response.Parser), "too many control connections");
        Assert.True(await second.IsClosedAsync());

        Assert.Equal(Response.Types.Type.Ok, (await first.RequestAsync(Identify())).Type);
        await first.Stream.CloseWriteAsync();
        Assert.True(await first.IsClosedAsync());
        Assert.Equal(Response.Types.Type.Ok, (await h.Connect().RequestAsync(Identify())).Type); // its slot is free again
    }

    [Fact]
    public async Task StreamOpenOverThePipedStreamLimitGetsAnError()
    {
        await using var h = await DaemonHarness.StartAsync(o => o.MaxPipedStreams = 0);
        var client = h.Connect();
        var open = new Request
        {
            Type = Request.Types.Type.StreamOpen,
            StreamOpen = new StreamOpenRequest { Peer = ByteString.CopyFrom(h.B.PeerId.ToBytes()), Proto = { EchoProtocol.ProtocolId } },
        };

        AssertError(await client.RequestAsync(open), "too many piped streams");
        Assert.Equal(Response.Types.Type.Ok, (await client.RequestAsync(Identify())).Type);
    }

    [Fact]
    public async Task StreamHandlersOverTheLimitGetAnErrorAndARegisteredOneCanBeReplaced()
    {
        await using var h = await DaemonHarness.StartAsync(o => o.MaxStreamHandlers = 1);
        var client = h.Connect();
        Request Register(string protocol, int port) => new()
        {
            Type = Request.Types.Type.StreamHandler,
            StreamHandler = new StreamHandlerRequest
            {
                Addr = ByteString.CopyFrom(Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{port}").ToBytes()),
                Proto = { protocol },
            },
        };

        Assert.Equal(Response.Types.Type.Ok, (await client.RequestAsync(Register("/a/1", 1000))).Type);
        AssertError(await client.RequestAsync(Register("/b/1", 1000)), "too many stream handlers");
        Assert.Equal(Response.Types.Type.Ok, (await client.RequestAsync(Register("/a/1", 2000))).Type);
        Assert.Equal(Multiaddr.Parse("/ip4/127.0.0.1/tcp/2000"), Assert.Single(h.Daemon.StreamHandlers).Value);
        Assert.DoesNotContain("/b/1", h.A.Protocols);
    }

    [Fact]
    public async Task APipeWhoseBufferDoesNotFitTheRemoteStreamsMemoryIsAbortedAndTheRemoteSeesAReset()
    {
        // A pipe's buffers are charged to the remote peer's stream: here its protocol may hold less than one (64 KiB).
        await using var h = await DaemonHarness.StartAsync(configureA: o => o.Limits.Protocols["/test/1.0.0"] = new ProtocolLimits(64, 64, 32 * 1024));
        var register = new Request
        {
            Type = Request.Types.Type.StreamHandler,
            StreamHandler = new StreamHandlerRequest { Addr = ByteString.CopyFrom(Multiaddr.Parse("/ip4/127.0.0.1/tcp/5555").ToBytes()), Proto = { "/test/1.0.0" } },
        };
        Assert.Equal(Response.Types.Type.Ok, (await h.Connect().RequestAsync(register)).Type);
        var toA = await h.B.DialAsync(h.A.ListenAddresses[0]).AsTask().WaitAsync(DaemonHarness.Timeout);
        var remote = await toA.OpenStreamAsync("/test/1.0.0").AsTask().WaitAsync(DaemonHarness.Timeout);
        var (_, clientEnd) = await h.Endpoint.Dialed.Reader.ReadAsync().AsTask().WaitAsync(DaemonHarness.Timeout);
        var handler = new ControlClient(clientEnd);
        await handler.ReadAsync(StreamInfo.Parser);

        await remote.WriteAsync("ping"u8.ToArray());

        // The reservation is refused before a buffer is rented: the pipe is aborted, nothing reaches the client.
        var reset = await Record.ExceptionAsync(() => new ControlClient(remote).ReadToEndAsync());
        Assert.NotNull(reset);
        Assert.IsNotType<TimeoutException>(reset); // the stream was reset, not left waiting
        byte[] reached = [];
        try { reached = await handler.ReadToEndAsync(); }
        catch (Exception e) when (e is not TimeoutException) { } // aborted
        Assert.Empty(reached);
        Assert.True(h.A.Resources.Refusals > 0);
    }

    [Fact]
    public async Task IdleControlConnectionIsClosed()
    {
        await using var h = await DaemonHarness.StartAsync(o => o.IdleTimeout = TimeSpan.FromMilliseconds(200));
        var client = h.Connect();
        Assert.True(await client.IsClosedAsync()); // nothing sent: the daemon closes it after the idle timeout
        Assert.Equal(0, h.Daemon.ControlConnections);
    }
}
