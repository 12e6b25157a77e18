using Google.Protobuf;
using Libp2p.Daemon;
using Libp2p.Daemon.Control;
using Libp2p.Daemon.Pb;
using Libp2p.Daemon.Requests;
using Libp2p.Identity;
using Libp2p.Kad;
using Libp2p.Multiformats;

namespace Libp2p.Fuzz;

/// <summary>
/// The daemon's control protocol as a client's socket feeds it: the input (after the first byte, which picks the read
/// chunk size) is read request by request with <see cref="ControlStream.ReadRequestAsync"/> (the daemon's reader, a
/// byte at a time through the length prefix), and decoded at once with <see cref="ControlCodec.DecodeRequests"/>; both
/// must agree. Every request's fields are then parsed as the request families do (peer ids, binary multiaddrs,
/// protocol ids, CIDs). Only <see cref="ControlProtocolException"/> (framing, protobuf) and
/// <see cref="BadRequestException"/> (content) may escape; the DHT family also answers the
/// <see cref="FormatException"/> and <see cref="ArgumentException"/> of its CID parser.
/// </summary>
internal static class DaemonControlTarget
{
    public static readonly FuzzTarget Target = new("daemon-control", "p2pd ControlStream + ControlCodec.DecodeRequests + request fields", Run, Seeds);

    // Small, so that the oversize check is reached by short inputs too.
    private const int MaxMessageSize = 4096;

    private static void Run(byte[] data)
    {
        if (data.Length == 0) return;
        var input = data[1..];

        List<Request>? whole = null;
        ControlProtocolException? wholeError = null;
        try { whole = ControlCodec.DecodeRequests(input, MaxMessageSize); }
        catch (ControlProtocolException e) { wholeError = e; }

        var read = new List<Request>();
        ControlProtocolException? readError = null;
        var control = new ControlStream(new ReplayStream(input, 1 + data[0] % 61), MaxMessageSize);
        FuzzTargets.RunBounded(async () =>
        {
            try
            {
                while (await control.ReadRequestAsync(CancellationToken.None) is { } request)
                {
                    read.Add(request);
                    if (read.Count > input.Length)
                        throw new FuzzFindingException($"{read.Count} requests read from {input.Length} bytes.");
                }
            }
            catch (ControlProtocolException e) { readError = e; }
        }, "control stream reader");

        if (wholeError is not null)
        {
            // The same frames come first; the reader must refuse the same one for the same reason.
            if (readError is null || readError.Error != wholeError.Error)
                throw new FuzzFindingException($"DecodeRequests refused ({wholeError.Error}) but the stream reader ended with {readError?.Error.ToString() ?? "no error"}.");
        }
        else
        {
            // DecodeRequests stops before an incomplete last frame; the reader reports it as truncated.
            bool agrees = readError is null || readError.Error == ControlProtocolError.Truncated;
            if (!agrees || read.Count != whole!.Count || !read.SequenceEqual(whole))
                throw new FuzzFindingException($"DecodeRequests found {whole!.Count} requests, the stream reader {read.Count} ({readError?.Error.ToString() ?? "then EOF"}).");
        }

        foreach (var request in read)
        {
            if (!request.HasType)
                throw new FuzzFindingException("A request without a type was accepted.");
            try { ParseFields(request); }
            catch (BadRequestException) { }
            catch (Exception e) when (e is FormatException or ArgumentException && request.Type == Request.Types.Type.Dht) { }
        }
    }

    /// <summary>The field parsing each request family does before it acts.</summary>
    private static void ParseFields(Request request)
    {
        switch (request.Type)
        {
            case Request.Types.Type.Connect:
                var connect = RequestFields.Require(request.Connect, "connect");
                _ = RequestFields.Peer(connect.Peer);
                foreach (var a in connect.Addrs) _ = RequestFields.Address(a, "address");
                _ = RequestFields.Timeout(connect.HasTimeout, connect.Timeout, new DaemonOptions());
                break;
            case Request.Types.Type.StreamOpen:
                var open = RequestFields.Require(request.StreamOpen, "streamOpen");
                _ = RequestFields.Peer(open.Peer);
                _ = RequestFields.Protocols(open.Proto);
                _ = RequestFields.Timeout(open.HasTimeout, open.Timeout, new DaemonOptions());
                break;
            case Request.Types.Type.StreamHandler:
                var handler = RequestFields.Require(request.StreamHandler, "streamHandler");
                _ = RequestFields.Address(handler.Addr);
                _ = RequestFields.Protocols(handler.Proto);
                break;
            case Request.Types.Type.Disconnect:
                _ = RequestFields.Peer(RequestFields.Require(request.Disconnect, "disconnect").Peer);
                break;
            case Request.Types.Type.Peerstore:
                _ = RequestFields.Peer(RequestFields.Require(request.PeerStore, "peerStore").Id, "id");
                break;
            case Request.Types.Type.Dht:
                var dht = RequestFields.Require(request.Dht, "dht");
                if (dht.HasPeer) _ = PeerId.TryFromBytes(dht.Peer.Span, out _);
                if (dht.HasCid && !dht.Cid.IsEmpty) _ = ContentKey.FromCidBytes(dht.Cid.Span);
                break;
        }
    }

    private static IEnumerable<byte[]> Seeds()
    {
        // A sha2-256 peer id (an RSA-style multihash): 0x12 0x20 and 32 digest bytes.
        var peer = ByteString.CopyFrom(PeerId.FromBytes([0x12, 0x20, .. Enumerable.Range(1, 32).Select(i => (byte)i)]).ToBytes());
        var tcp = ByteString.CopyFrom(Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001").ToBytes());
        var unix = ByteString.CopyFrom(Multiaddr.Parse("/unix/tmp/p2pd-handler.sock").ToBytes());
        // CIDv1, raw codec, a sha2-256 multihash.
        var cid = ByteString.CopyFrom([1, 0x55, 0x12, 0x20, .. new byte[32]]);

        var identify = new Request { Type = Request.Types.Type.Identify };
        var connect = new Request { Type = Request.Types.Type.Connect, Connect = new ConnectRequest { Peer = peer, Addrs = { tcp }, Timeout = 10 } };
        var streamOpen = new Request { Type = Request.Types.Type.StreamOpen, StreamOpen = new StreamOpenRequest { Peer = peer, Proto = { "/echo/1.0.0", "/ipfs/ping/1.0.0" } } };
        var streamHandler = new Request { Type = Request.Types.Type.StreamHandler, StreamHandler = new StreamHandlerRequest { Addr = unix, Proto = { "/echo/1.0.0" } } };
        var findPeer = new Request { Type = Request.Types.Type.Dht, Dht = new DHTRequest { Type = DHTRequest.Types.Type.FindPeer, Peer = peer, Timeout = 5 } };
        var provide = new Request { Type = Request.Types.Type.Dht, Dht = new DHTRequest { Type = DHTRequest.Types.Type.FindProviders, Cid = cid, Count = 3 } };
        var putValue = new Request { Type = Request.Types.Type.Dht, Dht = new DHTRequest { Type = DHTRequest.Types.Type.PutValue, Key = ByteString.CopyFromUtf8("/v/k"), Value = ByteString.CopyFromUtf8("v") } };
        var publish = new Request { Type = Request.Types.Type.Pubsub, Pubsub = new PSRequest { Type = PSRequest.Types.Type.Publish, Topic = "fuzz", Data = ByteString.CopyFromUtf8("hi") } };
        var subscribe = new Request { Type = Request.Types.Type.Pubsub, Pubsub = new PSRequest { Type = PSRequest.Types.Type.Subscribe, Topic = "fuzz" } };
        var listPeers = new Request { Type = Request.Types.Type.ListPeers };
        var disconnect = new Request { Type = Request.Types.Type.Disconnect, Disconnect = new DisconnectRequest { Peer = peer } };
        var peerstore = new Request { Type = Request.Types.Type.Peerstore, PeerStore = new PeerstoreRequest { Type = PeerstoreRequest.Types.Type.GetProtocols, Id = peer } };

        yield return [60, .. ControlCodec.Frame(identify)];
        yield return [3, .. ControlCodec.Frame(connect)];
        yield return [60, .. ControlCodec.Frame(streamOpen)];
        yield return [7, .. ControlCodec.Frame(streamHandler)];
        yield return [60, .. ControlCodec.Frame(findPeer), .. ControlCodec.Frame(provide), .. ControlCodec.Frame(putValue)];
        yield return [11, .. ControlCodec.Frame(publish), .. ControlCodec.Frame(subscribe)];
        yield return [0, .. ControlCodec.Frame(listPeers), .. ControlCodec.Frame(disconnect), .. ControlCodec.Frame(peerstore)];
    }
}
