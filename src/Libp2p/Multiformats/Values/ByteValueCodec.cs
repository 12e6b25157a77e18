namespace Libp2p.Multiformats;

/// <summary>ipcidr: one byte, the prefix length in decimal.</summary>
internal sealed class ByteValueCodec : ValueCodec
{
    public static readonly ByteValueCodec Instance = new();
    public override int FixedLength => 1;

    public override bool TryParse(string text, out byte[] value, out string error) =>
        PortValueCodec.TryParseDecimal(text, 255, out ulong v)
            ? Ok([(byte)v], out value, out error)
            : Fail("not a number 0-255", out value, out error);

    public override bool IsValid(ReadOnlySpan<byte> value, out string error)
    {
        error = "";
        return true;
    }

    public override string Format(ReadOnlySpan<byte> value) => value[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
}
