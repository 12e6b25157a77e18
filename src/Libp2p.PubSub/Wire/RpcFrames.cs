using Google.Protobuf;
using Libp2p.Multiformats;
using Libp2p.PubSub.Pb;

namespace Libp2p.PubSub.Wire;

/// <summary>
/// The pubsub wire format: each RPC is a protobuf prefixed by its length as an unsigned varint (go, js and rust all
/// frame it so). A message is framed from its stored encoding, so forwarding never re-encodes it.
/// </summary>
internal static class RpcFrames
{
    /// <summary>Tag of <c>RPC.publish</c> (field 2, length-delimited).</summary>
    private const byte PublishTag = 0x12;

    public static byte[] Encode(RPC rpc)
    {
        int size = rpc.CalculateSize();
        var frame = new byte[Varint.GetLength((ulong)size) + size];
        int offset = Varint.Write((ulong)size, frame);
        rpc.WriteTo(frame.AsSpan(offset));
        return frame;
    }

    /// <summary>An RPC carrying exactly <paramref name="messageWire"/> in <c>publish</c>.</summary>
    public static byte[] EncodeMessage(ReadOnlySpan<byte> messageWire)
    {
        int body = 1 + Varint.GetLength((ulong)messageWire.Length) + messageWire.Length;
        var frame = new byte[Varint.GetLength((ulong)body) + body];
        int offset = Varint.Write((ulong)body, frame);
        frame[offset++] = PublishTag;
        offset += Varint.Write((ulong)messageWire.Length, frame.AsSpan(offset));
        messageWire.CopyTo(frame.AsSpan(offset));
        return frame;
    }

    /// <summary>The size of the frame <see cref="EncodeMessage"/> makes.</summary>
    public static int MessageFrameSize(int messageWireLength)
    {
        int body = 1 + Varint.GetLength((ulong)messageWireLength) + messageWireLength;
        return Varint.GetLength((ulong)body) + body;
    }

    /// <summary>Parses one RPC; only <see cref="PubSubProtocolException"/> escapes.</summary>
    public static RPC Decode(ReadOnlySpan<byte> payload)
    {
        try
        {
            return RPC.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new PubSubProtocolException($"Malformed pubsub RPC: {e.Message}", e);
        }
    }
}
