using Google.Protobuf;
using Libp2p.Daemon.Control;
using Libp2p.Daemon.Pb;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Tests.Daemon;

public class ControlCodecTests
{
    private const int Max = 1 << 20;
    private static readonly PeerId Peer = PrivateKey.Generate().ToPeerId();
    private static readonly ByteString PeerBytes = ByteString.CopyFrom(Peer.ToBytes());
    private static readonly ByteString Addr = ByteString.CopyFrom(Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001").ToBytes());

    /// <summary>One request of each family, with the fields @libp2p/daemon-client sets.</summary>
    private static readonly Dictionary<string, Request> Requests = new()
    {
        ["identify"] = new Request { Type = Request.Types.Type.Identify },
        ["connect"] = new Request { Type = Request.Types.Type.Connect, Connect = new ConnectRequest { Peer = PeerBytes, Addrs = { Addr }, Timeout = 7 } },
        ["disconnect"] = new Request { Type = Request.Types.Type.Disconnect, Disconnect = new DisconnectRequest { Peer = PeerBytes } },
        ["list peers"] = new Request { Type = Request.Types.Type.ListPeers },
        ["stream open"] = new Request { Type = Request.Types.Type.StreamOpen, StreamOpen = new StreamOpenRequest { Peer = PeerBytes, Proto = { "/echo/1.0.0", "/other/1" } } },
        ["stream handler"] = new Request { Type = Request.Types.Type.StreamHandler, StreamHandler = new StreamHandlerRequest { Addr = Addr, Proto = { "/echo/1.0.0" } } },
        ["dht"] = new Request { Type = Request.Types.Type.Dht, Dht = new DHTRequest { Type = DHTRequest.Types.Type.PutValue, Key = ByteString.CopyFromUtf8("/pk/x"), Value = ByteString.CopyFrom(1, 2, 3) } },
        ["pubsub"] = new Request { Type = Request.Types.Type.Pubsub, Pubsub = new PSRequest { Type = PSRequest.Types.Type.Publish, Topic = "t", Data = ByteString.CopyFrom(9) } },
        ["peerstore"] = new Request { Type = Request.Types.Type.Peerstore, PeerStore = new PeerstoreRequest { Type = PeerstoreRequest.Types.Type.GetProtocols, Id = PeerBytes } },
        ["connmanager"] = new Request { Type = Request.Types.Type.Connmanager, ConnManager = new ConnManagerRequest { Type = ConnManagerRequest.Types.Type.TagPeer, Peer = PeerBytes, Tag = "t", Weight = 5 } },
    };

    [Theory]
    [InlineData("identify")]
    [InlineData("connect")]
    [InlineData("disconnect")]
    [InlineData("list peers")]
    [InlineData("stream open")]
    [InlineData("stream handler")]
    [InlineData("dht")]
    [InlineData("pubsub")]
    [InlineData("peerstore")]
    [InlineData("connmanager")]
    public void RequestRoundTripsThroughItsFrame(string family)
    {
        var request = Requests[family];
        byte[] frame = ControlCodec.Frame(request);

        Assert.True(ControlCodec.TryReadFrame(frame, Max, out int offset, out int length), family);
        Assert.Equal(frame.Length, offset + length);
        Assert.Equal(request, ControlCodec.DecodeRequest(frame.AsSpan(offset, length)));
    }

    [Fact]
    public void TypeZeroIsWrittenSoIdentifyIsNotAnEmptyMessage()
    {
        // proto3 "optional": IDENTIFY (0) must still be on the wire, as go's proto2 "required" field demands.
        byte[] frame = ControlCodec.Frame(new Request { Type = Request.Types.Type.Identify });
        Assert.Equal(new byte[] { 2, 0x08, 0x00 }, frame);
    }

    [Fact]
    public void ResponseWithStreamInfoRoundTrips()
    {
        var response = new Response
        {
            Type = Response.Types.Type.Ok,
            StreamInfo = new StreamInfo { Peer = PeerBytes, Addr = Addr, Proto = "/echo/1.0.0" },
        };
        byte[] frame = ControlCodec.Frame(response);
        Assert.True(ControlCodec.TryReadFrame(frame, Max, out int offset, out int length));
        Assert.Equal(response, Response.Parser.ParseFrom(frame, offset, length));
    }

    [Fact]
    public void EveryPrefixOfAFrameAsksForMoreBytes()
    {
        byte[] frame = ControlCodec.Frame(Requests["connect"]);
        for (int n = 0; n < frame.Length; n++)
            Assert.False(ControlCodec.TryReadFrame(frame.AsSpan(0, n), Max, out _, out _));
    }

    [Fact]
    public void SeveralFramesDecodeInOrder()
    {
        var all = Requests.Values.ToList();
        byte[] wire = [.. all.SelectMany(ControlCodec.Frame)];
        Assert.Equal(all, ControlCodec.DecodeRequests(wire, Max));
    }

    [Fact]
    public void OversizedLengthIsRefusedBeforeThePayloadArrives()
    {
        byte[] prefixOnly = Varint.Encode(Max + 1UL);
        var e = Assert.Throws<ControlProtocolException>(() => ControlCodec.TryReadFrame(prefixOnly, Max, out _, out _));
        Assert.Equal(ControlProtocolError.Oversized, e.Error);
        Assert.Contains($"at most {Max}", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x00 })] // not minimal
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // longer than 9 bytes
    public void BadLengthPrefixIsRefused(byte[] wire)
    {
        var e = Assert.Throws<ControlProtocolException>(() => ControlCodec.TryReadFrame(wire, Max, out _, out _));
        Assert.Equal(ControlProtocolError.BadLengthPrefix, e.Error);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF })] // invalid tag/wire type
    [InlineData(new byte[] { 0x12, 0x05, 0x01 })] // a length-delimited field longer than the message
    [InlineData(new byte[] { 0x12, 0x00 })] // well-formed, but no type
    [InlineData(new byte[] { })] // no type either
    public void MalformedRequestIsRefused(byte[] payload)
    {
        var e = Assert.Throws<ControlProtocolException>(() => ControlCodec.DecodeRequest(payload));
        Assert.Equal(ControlProtocolError.Malformed, e.Error);
    }
}
