namespace Libp2p.Multiformats;

/// <summary>
/// onion (v2, 10-byte address) and onion3 (35-byte address): "&lt;base32 address&gt;:&lt;port 1-65535&gt;",
/// the address bytes followed by the big-endian port; printed in lower case.
/// </summary>
internal sealed class OnionValueCodec : ValueCodec
{
    public static readonly OnionValueCodec V2 = new(10);
    public static readonly OnionValueCodec V3 = new(35);

    private readonly int _addressLength;
    private readonly int _textLength;

    private OnionValueCodec(int addressLength)
    {
        _addressLength = addressLength;
        _textLength = addressLength * 8 / 5;
    }

    public override int FixedLength => _addressLength + 2;

    public override bool TryParse(string text, out byte[] value, out string error)
    {
        int colon = text.IndexOf(':');
        if (colon < 0)
            return Fail("missing ':<port>'", out value, out error);
        if (colon != _textLength || !RadixBase.Base32.TryDecode(text.AsSpan(0, colon), allowPadding: false, out var address))
            return Fail($"address is not {_textLength} base32 characters", out value, out error);
        if (!PortValueCodec.TryParseDecimal(text.AsSpan(colon + 1), 65535, out ulong port) || port == 0)
            return Fail("port is not a number 1-65535", out value, out error);
        var bytes = new byte[FixedLength];
        address.CopyTo(bytes, 0);
        bytes[^2] = (byte)(port >> 8);
        bytes[^1] = (byte)port;
        return Ok(bytes, out value, out error);
    }

    public override bool IsValid(ReadOnlySpan<byte> value, out string error)
    {
        error = value[^2] == 0 && value[^1] == 0 ? "port 0" : "";
        return error.Length == 0;
    }

    public override string Format(ReadOnlySpan<byte> value) =>
        RadixBase.Base32.Encode(value[.._addressLength]) + ":" + (value[^2] << 8 | value[^1]).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
