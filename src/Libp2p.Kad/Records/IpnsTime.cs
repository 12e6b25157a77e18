using System.Globalization;

namespace Libp2p.Kad.Records;

/// <summary>
/// IPNS validity times: RFC 3339 with up to nine fractional digits (go writes <c>2006-01-02T15:04:05.000000000Z</c>).
/// .NET parses at most seven, so the extra digits (below 100 ns) are dropped before parsing.
/// </summary>
internal static class IpnsTime
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'00Z'", CultureInfo.InvariantCulture);

    public static bool TryParse(string text, out DateTimeOffset time)
    {
        time = default;
        if (text.Length is < 20 or > 64) return false;
        int dot = text.IndexOf('.');
        if (dot > 0)
        {
            int end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
            int digits = end - dot - 1;
            if (digits is 0 or > 9) return false;
            if (digits > 7) text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
        }
        return DateTimeOffset.TryParseExact(text,
            ["yyyy'-'MM'-'dd'T'HH':'mm':'ssK", "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK"],
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }
}
