using System.Text;
using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Daemon.Pb;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Protocols.Echo;

namespace Libp2p.Tests.Daemon;

/// <summary>Each request family against a real host (loopback TCP), over an in-memory control connection.</summary>
public class DaemonRequestTests
{
    private static ByteString Bytes(PeerId peer) => ByteString.CopyFrom(peer.ToBytes());
    private static ByteString Bytes(Multiaddr address) => ByteString.CopyFrom(address.ToBytes());

    private static Request Connect(DaemonHarness h) => new()
    {
        Type = Request.Types.Type.Connect,
        Connect = new ConnectRequest { Peer = Bytes(h.B.PeerId), Addrs = { Bytes(h.BAddress.WithoutPeerId()) } },
    };

    private static Request ListPeers() => new() { Type = Request.Types.Type.ListPeers };

    private static Request Identify() => new() { Type = Request.Types.Type.Identify };

    private static void AssertError(Response response, string contains)
    {
        Assert.Equal(Response.Types.Type.Error, response.Type);
        Assert.Contains(contains, response.Error.Msg);
    }

    [Fact]
    public async Task IdentifyAnswersThePeerIdAndTheListenAddressesWithoutP2p()
    {
        await using var h = await DaemonHarness.StartAsync();
        var response = await h.Connect().RequestAsync(Identify());

        Assert.Equal(Response.Types.Type.Ok, response.Type);
        Assert.Equal(h.A.PeerId, PeerId.FromBytes(response.Identify.Id.Span));
        Assert.Equal(h.A.ListenAddresses.Select(a => a.WithoutPeerId()), response.Identify.Addrs.Select(a => Multiaddr.FromBytes(a.Span)));
    }

    [Fact]
    public async Task ConnectListPeersAndDisconnectOnOneControlConnection()
    {
        await using var h = await DaemonHarness.StartAsync();
        var client = h.Connect();

        Assert.Empty((await client.RequestAsync(ListPeers())).Peers);
        Assert.Equal(Response.Types.Type.Ok, (await client.RequestAsync(Connect(h))).Type);
        var peers = (await client.RequestAsync(ListPeers())).Peers;
        var peer = Assert.Single(peers);
        Assert.Equal(h.B.PeerId, PeerId.FromBytes(peer.Id.Span));
        Assert.Equal(h.BAddress.WithoutPeerId(), Multiaddr.FromBytes(Assert.Single(peer.Addrs).Span));

        var disconnect = new Request { Type = Request.Types.Type.Disconnect, Disconnect = new DisconnectRequest { Peer = Bytes(h.B.PeerId) } };
        Assert.Equal(Response.Types.Type.Ok, (await client.RequestAsync(disconnect)).Type);
        Assert.Empty((await client.RequestAsync(ListPeers())).Peers);
    }

    [Fact]
    public async Task ConnectToAnUnreachableAddressGetsAnErrorNamingItAndTheConnectionGoesOn()
    {
        await using var h = await DaemonHarness.StartAsync();
        var client = h.Connect();
        var unreachable = Multiaddr.Parse("/ip4/127.0.0.1/tcp/1");
        var request = new Request
        {
            Type = Request.Types.Type.Connect,
            Connect = new ConnectRequest { Peer = Bytes(h.B.PeerId), Addrs = { Bytes(unreachable) }, Timeout = 5 },
        };

        AssertError(await client.RequestAsync(request), "/ip4/127.0.0.1/tcp/1");
        Assert.Equal(Response.Types.Type.Ok, (await client.RequestAsync(Identify())).Type);
    }

    [Fact]
    public async Task BadPeerIdGetsAnErrorAndTheConnectionGoesOn()
    {
        await using var h = await DaemonHarness.StartAsync();
        var client = h.Connect();
        var request = new Request { Type = Request.Types.Type.Connect, Connect = new ConnectRequest { Peer = ByteString.CopyFrom(1, 2, 3) } };

        AssertError(await client.RequestAsync(request), "invalid peer");
        AssertError(await client.RequestAsync(new Request { Type = Request.Types.Type.Connect }), "missing parameters");
        Assert.Equal(Response.Types.Type.Ok, (await client.RequestAsync(Identify())).Type);
    }

    [Fact]
    public async Task StreamOpenAnswersStreamInfoThenPipesBothWaysWithHalfClose()
    {
        await using var h = await DaemonHarness.StartAsync();
        Assert.Equal(Response.Types.Type.Ok, (await h.Connect().RequestAsync(Connect(h))).Type);
        var client = h.Connect();
        var open = new Request
        {
            Type = Request.Types.Type.StreamOpen,
            StreamOpen = new StreamOpenRequest { Peer = Bytes(h.B.PeerId), Proto = { "/not/served/1", EchoProtocol.ProtocolId } },
        };

        var response = await client.RequestAsync(open);
        Assert.Equal(Response.Types.Type.Ok, response.Type);
        Assert.Equal(EchoProtocol.ProtocolId, response.StreamInfo.Proto); // the one B accepted, not the first asked
        Assert.Equal(h.B.PeerId, PeerId.FromBytes(response.StreamInfo.Peer.Span));
        Assert.Equal(h.BAddress.WithoutPeerId(), Multiaddr.FromBytes(response.StreamInfo.Addr.Span));

        byte[] data = Encoding.ASCII.GetBytes("through the daemon and back");
        await client.SendRawAsync(data);
        await client.Stream.CloseWriteAsync();
        Assert.Equal(data, await client.ReadToEndAsync()); // B's echo closes after our EOF: the half-close went through
    }

    [Fact]
    public async Task StreamOpenToAPeerWithoutConnectionOrAddressGetsAnError()
    {
        await using var h = await DaemonHarness.StartAsync();
        var stranger = PrivateKey.Generate().ToPeerId();
        var open = new Request
        {
            Type = Request.Types.Type.StreamOpen,
            StreamOpen = new StreamOpenRequest { Peer = Bytes(stranger), Proto = { EchoProtocol.ProtocolId } },
        };
        AssertError(await h.Connect().RequestAsync(open), "No dialable address is known");
    }

    [Fact]
    public async Task InboundStreamOnARegisteredProtocolIsPipedToTheClientsHandlerAddress()
    {
        await using var h = await DaemonHarness.StartAsync();
        var handlerAddress = Multiaddr.Parse("/ip4/127.0.0.1/tcp/5555");
        var register = new Request
        {
            Type = Request.Types.Type.StreamHandler,
            StreamHandler = new StreamHandlerRequest { Addr = Bytes(handlerAddress), Proto = { "/test/1.0.0" } },
        };
        Assert.Equal(Response.Types.Type.Ok, (await h.Connect().RequestAsync(register)).Type);
        Assert.Contains("/test/1.0.0", h.A.Protocols);

        var toA = await h.B.DialAsync(h.A.ListenAddresses[0]).AsTask().WaitAsync(DaemonHarness.Timeout);
        var remote = await toA.OpenStreamAsync("/test/1.0.0").AsTask().WaitAsync(DaemonHarness.Timeout);
        var (address, clientEnd) = await h.Endpoint.Dialed.Reader.ReadAsync().AsTask().WaitAsync(DaemonHarness.Timeout);
        Assert.Equal(handlerAddress, address);
        var handler = new ControlClient(clientEnd);
        var info = await handler.ReadAsync(StreamInfo.Parser); // a bare StreamInfo, not wrapped in a Response
        Assert.Equal(h.B.PeerId, PeerId.FromBytes(info.Peer.Span));
        Assert.Equal("/test/1.0.0", info.Proto);

        await remote.WriteAsync(Encoding.ASCII.GetBytes("ping"));
        await remote.CloseWriteAsync();
        Assert.Equal("ping", Encoding.ASCII.GetString(await handler.ReadToEndAsync()));
        await clientEnd.WriteAsync(Encoding.ASCII.GetBytes("pong"));
        await clientEnd.CloseWriteAsync();
        var back = new ControlClient(remote);
        Assert.Equal("pong", Encoding.ASCII.GetString(await back.ReadToEndAsync()));
        await remote.DisposeAsync();
    }

    [Theory]
    [InlineData(4, "DHT")]
    [InlineData(8, "PUBSUB")]
    [InlineData(6, "CONNMANAGER")]
    public async Task FamiliesWithoutTheirProtocolAnswerUnsupportedAndTheConnectionGoesOn(int requestType, string family)
    {
        var type = (Request.Types.Type)requestType;
        Assert.Equal(family, type.ToString().ToUpperInvariant()); // the number is the request type the family answers
        await using var h = await DaemonHarness.StartAsync();
        var client = h.Connect();

        AssertError(await client.RequestAsync(new Request { Type = type }), $"unsupported: {family}");
        Assert.Equal(Response.Types.Type.Ok, (await client.RequestAsync(Identify())).Type);
    }

    [Fact]
    public async Task PeerstoreAnswersWhatIdentifyAndConnectTaughtTheHost()
    {
        await using var h = await DaemonHarness.StartAsync();
        var identified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.A.PeerIdentified += c => { if (c.RemotePeer == h.B.PeerId) identified.TrySetResult(); };
        var client = h.Connect();
        Assert.Equal(Response.Types.Type.Ok, (await client.RequestAsync(Connect(h))).Type);
        Request Peerstore(PeerstoreRequest.Types.Type type) => new()
        {
            Type = Request.Types.Type.Peerstore,
            PeerStore = new PeerstoreRequest { Type = type, Id = Bytes(h.B.PeerId) },
        };

        var info = await client.RequestAsync(Peerstore(PeerstoreRequest.Types.Type.GetPeerInfo));
        Assert.Equal(Response.Types.Type.Ok, info.Type);
        Assert.Equal(h.B.PeerId, PeerId.FromBytes(info.PeerStore.Peer.Id.Span));
        Assert.Contains(h.BAddress.WithoutPeerId(), info.PeerStore.Peer.Addrs.Select(a => Multiaddr.FromBytes(a.Span)));

        // B's protocols arrive with identify, which runs in the background after the connection opened.
        await identified.Task.WaitAsync(DaemonHarness.Timeout);
        var protocols = await client.RequestAsync(Peerstore(PeerstoreRequest.Types.Type.GetProtocols));
        Assert.Equal(Response.Types.Type.Ok, protocols.Type);
        Assert.Contains(EchoProtocol.ProtocolId, protocols.PeerStore.Protos);

        AssertError(await client.RequestAsync(Peerstore(PeerstoreRequest.Types.Type.Unspecified)), "unsupported: PEERSTORE request type 0");
    }

    [Fact]
    public async Task UnknownRequestTypeGetsAnErrorAndTheConnectionGoesOn()
    {
        await using var h = await DaemonHarness.StartAsync();
        var client = h.Connect();

        AssertError(await client.RequestAsync(new Request { Type = (Request.Types.Type)42 }), "unsupported request type 42");
        Assert.Equal(Response.Types.Type.Ok, (await client.RequestAsync(Identify())).Type);
    }
}
