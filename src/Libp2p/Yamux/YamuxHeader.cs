using System.Buffers.Binary;

namespace Libp2p.Yamux;

/// <summary>Yamux frame types (spec.md "Type field").</summary>
internal enum YamuxFrameType : byte
{
    Data = 0,
    WindowUpdate = 1,
    Ping = 2,
    GoAway = 3,
}

/// <summary>Yamux header flags (spec.md "Flag field"); they may be combined.</summary>
[Flags]
internal enum YamuxFlags : ushort
{
    None = 0,
    Syn = 0x1,
    Ack = 0x2,
    Fin = 0x4,
    Rst = 0x8,
}

/// <summary>
/// The fixed 12-byte Yamux header: version (8), type (8), flags (16), stream id (32), length (32), all big-endian.
/// Length is the payload size for Data, the window delta for WindowUpdate, the opaque value for Ping
/// and the error code for GoAway.
/// </summary>
internal readonly record struct YamuxHeader(YamuxFrameType Type, YamuxFlags Flags, uint StreamId, uint Length)
{
    public const int Size = 12;
    public const byte ProtocolVersion = 0;

    public void Write(Span<byte> destination)
    {
        destination[0] = ProtocolVersion;
        destination[1] = (byte)Type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)Flags);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], StreamId);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Length);
    }

    /// <summary>Parses a header; an unknown version or type is a protocol error (the session must go away).</summary>
    public static YamuxHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
            throw new ArgumentException("A Yamux header is 12 bytes.", nameof(source));
        if (source[0] != ProtocolVersion)
            throw new YamuxProtocolException($"Unsupported Yamux version {source[0]}.");
        byte type = source[1];
        if (type > (byte)YamuxFrameType.GoAway)
            throw new YamuxProtocolException($"Unknown Yamux frame type {type}.");
        // Unknown flag bits are carried through untouched: the spec defines none, so they are ignored.
        return new YamuxHeader(
            (YamuxFrameType)type,
            (YamuxFlags)BinaryPrimitives.ReadUInt16BigEndian(source[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]));
    }
}
