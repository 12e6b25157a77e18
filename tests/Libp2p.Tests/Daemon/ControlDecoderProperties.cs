using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Libp2p.Daemon.Control;
using Libp2p.Multiformats;

namespace Libp2p.Tests.Daemon;

/// <summary>Hostile bytes into the control-protocol decoder: requests or a <see cref="ControlProtocolException"/>, nothing else.</summary>
public class ControlDecoderProperties
{
    private static bool DecodesOrRejects(byte[] wire, int max = 4096)
    {
        try
        {
            return ControlCodec.DecodeRequests(wire, max).All(r => r.HasType);
        }
        catch (ControlProtocolException)
        {
            return true;
        }
    }

    [Property(MaxTest = 1000)]
    public bool ArbitraryBytesDecodeOrFailWithControlProtocolException(byte[] wire) => DecodesOrRejects(wire);

    [Property(MaxTest = 1000)]
    public bool ArbitraryPayloadInAValidFrameDecodesOrFailsWithControlProtocolException(byte[] payload)
    {
        var frame = new byte[Varint.GetLength((ulong)payload.Length) + payload.Length];
        int prefix = Varint.Write((ulong)payload.Length, frame);
        payload.CopyTo(frame, prefix);
        return DecodesOrRejects(frame, max: payload.Length);
    }

    /// <summary>Mostly well-formed protobuf with random field numbers, wire types and lengths: reaches the nested messages.</summary>
    [Property(MaxTest = 1000)]
    public bool ProtobufShapedBytesDecodeOrFailWithControlProtocolException(NonEmptyArray<(byte Field, byte[] Value)> fields)
    {
        var body = new List<byte>();
        foreach (var (field, value) in fields.Get)
        {
            byte tag = (byte)(((field % 10 + 1) << 3) | (field % 3 == 0 ? 0 : 2));
            body.Add(tag);
            if ((tag & 7) == 0)
            {
                body.Add((byte)(value.Length > 0 ? value[0] & 0x7F : 0));
                continue;
            }
            body.AddRange(Varint.Encode((ulong)value.Length));
            body.AddRange(value);
        }
        var frame = new List<byte>(Varint.Encode((ulong)body.Count));
        frame.AddRange(body);
        return DecodesOrRejects([.. frame], max: body.Count);
    }
}
