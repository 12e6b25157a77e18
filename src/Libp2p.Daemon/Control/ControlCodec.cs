using Google.Protobuf;
using Libp2p.Daemon.Pb;
using Libp2p.Multiformats;

namespace Libp2p.Daemon.Control;

/// <summary>
/// The control protocol's framing and message decoding as pure functions over bytes (so a fuzzer can drive them
/// directly): every message is a protobuf preceded by its length as an unsigned varint (go-libp2p-daemon
/// specs/CONTROL.md). Only <see cref="ControlProtocolException"/> escapes the decoders.
/// </summary>
internal static class ControlCodec
{
    /// <summary>
    /// Looks for one whole frame at the start of <paramref name="input"/>: false when more bytes are needed,
    /// true with the payload's position when it is all there.
    /// </summary>
    /// <exception cref="ControlProtocolException">Bad length prefix, or a length over <paramref name="maxMessageSize"/>.</exception>
    public static bool TryReadFrame(ReadOnlySpan<byte> input, int maxMessageSize, out int payloadOffset, out int payloadLength)
    {
        payloadOffset = payloadLength = 0;
        if (!TryReadLength(input, maxMessageSize, out int length, out int prefix))
            return false;
        if (input.Length - prefix < length)
            return false;
        payloadOffset = prefix;
        payloadLength = length;
        return true;
    }

    /// <summary>The length prefix at the start of <paramref name="input"/>; false when the input ends inside it.</summary>
    /// <exception cref="ControlProtocolException">Bad length prefix, or a length over <paramref name="maxMessageSize"/>.</exception>
    public static bool TryReadLength(ReadOnlySpan<byte> input, int maxMessageSize, out int length, out int prefixLength)
    {
        length = 0;
        ulong value;
        try
        {
            if (!Varint.TryRead(input, out value, out prefixLength))
                return false;
        }
        catch (VarintFormatException e)
        {
            throw new ControlProtocolException(ControlProtocolError.BadLengthPrefix, $"Bad control message length prefix: {e.Message}", e);
        }
        if (value > (ulong)maxMessageSize)
            throw new ControlProtocolException(ControlProtocolError.Oversized,
                $"The control message is {value} bytes; this daemon accepts at most {maxMessageSize}.");
        length = (int)value;
        return true;
    }

    /// <summary>A request's payload (without its length prefix), checked to carry its type.</summary>
    /// <exception cref="ControlProtocolException">Not a Request, or one without a type.</exception>
    public static Request DecodeRequest(ReadOnlySpan<byte> payload)
    {
        Request request;
        try
        {
            request = Request.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ControlProtocolException(ControlProtocolError.Malformed, $"Malformed control request: {e.Message}", e);
        }
        // "required Type type = 1" in go's proto2 schema: a request without it is not a request.
        if (!request.HasType)
            throw new ControlProtocolException(ControlProtocolError.Malformed, "Malformed control request: it has no type.");
        return request;
    }

    /// <summary>Every whole frame of <paramref name="input"/> decoded as a request, in order (the fuzz target).</summary>
    /// <exception cref="ControlProtocolException">A bad frame or request.</exception>
    public static List<Request> DecodeRequests(ReadOnlySpan<byte> input, int maxMessageSize)
    {
        var requests = new List<Request>();
        while (TryReadFrame(input, maxMessageSize, out int offset, out int length))
        {
            requests.Add(DecodeRequest(input.Slice(offset, length)));
            input = input[(offset + length)..];
        }
        return requests;
    }

    /// <summary><paramref name="message"/> with its varint length prefix.</summary>
    public static byte[] Frame(IMessage message)
    {
        int size = message.CalculateSize();
        var output = new byte[Varint.GetLength((ulong)size) + size];
        int offset = Varint.Write((ulong)size, output);
        message.WriteTo(output.AsSpan(offset));
        return output;
    }
}
