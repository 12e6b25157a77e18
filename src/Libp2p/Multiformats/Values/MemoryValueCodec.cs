namespace Libp2p.Multiformats;

/// <summary>
/// memory: an in-process listener id, a big-endian unsigned 64-bit number, decimal in text.
/// go-multiaddr and rust-multiaddr encode it as 8 fixed bytes; js-multiaddr 13 treats it as a length-prefixed
/// string (and protocols.csv says "V"). We follow go and rust; the protocol is only for in-process tests.
/// </summary>
internal sealed class MemoryValueCodec : ValueCodec
{
    public static readonly MemoryValueCodec Instance = new();
    public override int FixedLength => 8;

    public override bool TryParse(string text, out byte[] value, out string error)
    {
        if (!PortValueCodec.TryParseDecimal(text, ulong.MaxValue, out ulong v))
            return Fail("not an unsigned 64-bit number", out value, out error);
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, v);
        return Ok(bytes, out value, out error);
    }

    public override bool IsValid(ReadOnlySpan<byte> value, out string error)
    {
        error = "";
        return true;
    }

    public override string Format(ReadOnlySpan<byte> value) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(value).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
