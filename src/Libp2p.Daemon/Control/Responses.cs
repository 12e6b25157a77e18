using Google.Protobuf;
using Libp2p.Daemon.Pb;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Daemon.Control;

/// <summary>The daemon's answers, built the same way everywhere.</summary>
internal static class Responses
{
    public static Response Ok() => new() { Type = Response.Types.Type.Ok };

    public static Response Error(string message) => new()
    {
        Type = Response.Types.Type.Error,
        Error = new ErrorResponse { Msg = message },
    };

    public static ByteString Bytes(PeerId peer) => ByteString.CopyFrom(peer.ToBytes());

    public static ByteString Bytes(Multiaddr address) => ByteString.CopyFrom(address.ToBytes());

    /// <summary>What the daemon tells a client about a stream: the peer, its address (without /p2p) and the protocol.</summary>
    public static StreamInfo StreamInfo(Connection connection, string protocol) => new()
    {
        Peer = Bytes(connection.RemotePeer),
        Addr = Bytes(connection.RemoteAddress.WithoutPeerId()),
        Proto = protocol,
    };
}
