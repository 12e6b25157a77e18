namespace Libp2p.Multiformats;

/// <summary>
/// ip6: sixteen bytes. Text is parsed here (not IPAddress.TryParse, which also takes zones, brackets and ports)
/// and printed like go-multiaddr: RFC 5952 compressed lower case, IPv4-mapped as <c>::ffff:a.b.c.d</c>.
/// </summary>
internal sealed class Ip6ValueCodec : ValueCodec
{
    public static readonly Ip6ValueCodec Instance = new();
    public override int FixedLength => 16;

    public override bool TryParse(string text, out byte[] value, out string error)
    {
        var bytes = new byte[16];
        return TryParseText(text, bytes)
            ? Ok(bytes, out value, out error)
            : Fail("not an IPv6 address", out value, out error);
    }

    public override bool IsValid(ReadOnlySpan<byte> value, out string error)
    {
        error = "";
        return true;
    }

    public override string Format(ReadOnlySpan<byte> b)
    {
        if (b[..10].IndexOfAnyExcept((byte)0) < 0 && b[10] == 0xFF && b[11] == 0xFF)
            return $"::ffff:{b[12]}.{b[13]}.{b[14]}.{b[15]}";
        Span<int> g = stackalloc int[8];
        for (int i = 0; i < 8; i++)
            g[i] = b[2 * i] << 8 | b[2 * i + 1];
        // Longest run of at least two zero groups, the first one on a tie (RFC 5952 section 4.2).
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8;)
        {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        var sb = new System.Text.StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                sb.Append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.Length > 0 && sb[^1] != ':')
                sb.Append(':');
            sb.Append(g[i].ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>RFC 4291 text: eight hex groups of 1-4 digits, one optional "::", an optional dotted IPv4 tail.</summary>
    public static bool TryParseText(ReadOnlySpan<char> s, Span<byte> destination)
    {
        if (s.Length < 2 || s.Length > 45)
            return false;
        Span<int> g = stackalloc int[8];
        int n = 0, gap = -1, i = 0;
        if (s[0] == ':')
        {
            if (s[1] != ':')
                return false;
            gap = 0;
            i = 2;
        }
        while (i < s.Length)
        {
            int start = i, v = 0;
            while (i < s.Length && char.IsAsciiHexDigit(s[i]) && i - start < 5)
                v = v << 4 | HexValue(s[i++]);
            if (i < s.Length && s[i] == '.')
            {
                Span<byte> v4 = stackalloc byte[4];
                if (n > 6 || !Ip4ValueCodec.TryParseDotted(s[start..], v4))
                    return false;
                g[n++] = v4[0] << 8 | v4[1];
                g[n++] = v4[2] << 8 | v4[3];
                break;
            }
            int len = i - start;
            if (len == 0 || len > 4 || n == 8)
                return false;
            g[n++] = v;
            if (i == s.Length)
                break;
            if (s[i] != ':')
                return false;
            i++;
            if (i == s.Length)
                return false; // a single trailing colon
            if (s[i] == ':')
            {
                if (gap >= 0)
                    return false;
                gap = n;
                i++;
            }
        }
        if (gap < 0 ? n != 8 : n > 7)
            return false;
        destination[..16].Clear();
        int tail = gap < 0 ? 0 : n - gap;
        for (int k = 0; k < n; k++)
        {
            int slot = gap >= 0 && k >= gap ? 8 - tail + (k - gap) : k;
            destination[2 * slot] = (byte)(g[k] >> 8);
            destination[2 * slot + 1] = (byte)g[k];
        }
        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
