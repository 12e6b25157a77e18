namespace Libp2p.Multiformats;

/// <summary>tcp, udp, dccp, sctp: a big-endian 16-bit port, decimal in text.</summary>
internal sealed class PortValueCodec : ValueCodec
{
    public static readonly PortValueCodec Instance = new();
    public override int FixedLength => 2;

    public override bool TryParse(string text, out byte[] value, out string error)
    {
        if (!TryParseDecimal(text, 65535, out ulong port))
            return Fail("not a port number 0-65535", out value, out error);
        return Ok([(byte)(port >> 8), (byte)port], out value, out error);
    }

    public override bool IsValid(ReadOnlySpan<byte> value, out string error)
    {
        error = "";
        return true;
    }

    public override string Format(ReadOnlySpan<byte> value) =>
        (value[0] << 8 | value[1]).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>ASCII digits only (no sign, no spaces), at most 20 of them, and at most <paramref name="max"/>.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> s, ulong max, out ulong result)
    {
        result = 0;
        if (s.IsEmpty || s.Length > 20)
            return false;
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
                return false;
            ulong d = (ulong)(c - '0');
            if (result > (max - d) / 10)
                return false;
            result = result * 10 + d;
        }
        return true;
    }
}
