namespace Libp2p.Multiformats;

/// <summary>ip4: four bytes, text in strict dotted decimal (no leading zeros, as Go's net.ParseIP since 1.17).</summary>
internal sealed class Ip4ValueCodec : ValueCodec
{
    public static readonly Ip4ValueCodec Instance = new();
    public override int FixedLength => 4;

    public override bool TryParse(string text, out byte[] value, out string error)
    {
        var bytes = new byte[4];
        return TryParseDotted(text, bytes)
            ? Ok(bytes, out value, out error)
            : Fail("not a dotted-decimal IPv4 address", out value, out error);
    }

    public override bool IsValid(ReadOnlySpan<byte> value, out string error)
    {
        error = "";
        return true;
    }

    public override string Format(ReadOnlySpan<byte> value) => $"{value[0]}.{value[1]}.{value[2]}.{value[3]}";

    /// <summary>Exactly four decimal octets 0-255 separated by dots; "01" is rejected as ambiguous (octal in some parsers).</summary>
    public static bool TryParseDotted(ReadOnlySpan<char> s, Span<byte> destination)
    {
        int part = 0, i = 0;
        while (true)
        {
            int start = i, v = 0;
            while (i < s.Length && i - start < 4 && char.IsAsciiDigit(s[i]))
                v = v * 10 + (s[i++] - '0');
            int len = i - start;
            if (len == 0 || len > 3 || v > 255 || (len > 1 && s[start] == '0'))
                return false;
            destination[part++] = (byte)v;
            if (part == 4)
                return i == s.Length;
            if (i >= s.Length || s[i] != '.')
                return false;
            i++;
        }
    }
}
