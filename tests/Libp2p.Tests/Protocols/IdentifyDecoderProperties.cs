using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Libp2p.Core;
using Libp2p.Protocols.Identify;

namespace Libp2p.Tests.Protocols;

/// <summary>Hostile bytes into the identify reader: an <see cref="IdentifyInfo"/> or an <see cref="IdentifyException"/>, nothing else.</summary>
public class IdentifyDecoderProperties
{
    private static async Task<bool> DecodesOrRejects(byte[] wire)
    {
        var (reader, writer) = InMemoryDuplex.CreatePair();
        await writer.WriteAsync(wire).AsTask().WaitAsync(TestTimeouts.Await);
        await writer.CloseWriteAsync();
        try
        {
            IdentifyInfo info = await IdentifyProtocol.ReceivePushAsync(reader).AsTask().WaitAsync(TestTimeouts.Await);
            return info.ListenAddresses.All(a => a is not null) && info.Protocols.All(p => p is not null);
        }
        catch (IdentifyException)
        {
            return true;
        }
    }

    [Property(MaxTest = 500)]
    public Task<bool> ArbitraryStreamBytesDecodeOrFailWithIdentifyException(byte[] wire)
        => DecodesOrRejects(wire);

    [Property(MaxTest = 500)]
    public Task<bool> ArbitraryMessageBytesInAValidFrameDecodeOrFailWithIdentifyException(byte[] payload)
    {
        var frame = new byte[Libp2p.Multiformats.Varint.GetLength((ulong)payload.Length) + payload.Length];
        int prefix = Libp2p.Multiformats.Varint.Write((ulong)payload.Length, frame);
        payload.CopyTo(frame, prefix);
        return DecodesOrRejects(frame);
    }

    /// <summary>Mostly well-formed protobuf with random field numbers, wire types and lengths: reaches deeper than random bytes.</summary>
    [Property(MaxTest = 500)]
    public Task<bool> ProtobufShapedBytesDecodeOrFailWithIdentifyException(NonEmptyArray<(byte Field, byte[] Value)> fields)
    {
        var body = new List<byte>();
        foreach (var (field, value) in fields.Get)
        {
            byte tag = (byte)(((field % 9) << 3) | (field % 3 == 0 ? 2 : field % 6)); // mostly length-delimited
            body.Add(tag);
            body.AddRange(Libp2p.Multiformats.Varint.Encode((ulong)value.Length));
            body.AddRange(value);
        }
        byte[] payload = [.. body];
        byte[] frame = [.. Libp2p.Multiformats.Varint.Encode((ulong)payload.Length), .. payload];
        return DecodesOrRejects(frame);
    }

    private static readonly int[] KnownCodes = [4, 6, 33, 41, 42, 43, 53, 54, 55, 56, 132, 273, 290, 400, 421, 443, 444, 445, 449, 460, 461, 466, 477, 480, 777];

    /// <summary>Listen and observed addresses built from real protocol codes with random values: reaches every multiaddr value codec.</summary>
    [Property(MaxTest = 1000)]
    public Task<bool> AddressShapedListenAddrsDecodeOrFailWithIdentifyException(NonEmptyArray<(byte Pick, byte[] Value)> components, bool asObserved)
    {
        var addr = new List<byte>();
        foreach (var (pick, value) in components.Get)
        {
            addr.AddRange(Libp2p.Multiformats.Varint.Encode((ulong)KnownCodes[pick % KnownCodes.Length]));
            if (pick % 2 == 1)
                addr.AddRange(Libp2p.Multiformats.Varint.Encode((ulong)value.Length));
            addr.AddRange(value);
        }
        var message = new Libp2p.Protocols.Identify.Pb.Identify();
        if (asObserved)
            message.ObservedAddr = Google.Protobuf.ByteString.CopyFrom([.. addr]);
        else
            message.ListenAddrs.Add(Google.Protobuf.ByteString.CopyFrom([.. addr]));
        var output = new MemoryStream();
        Google.Protobuf.MessageExtensions.WriteDelimitedTo(message, output);
        return DecodesOrRejects(output.ToArray());
    }
}
