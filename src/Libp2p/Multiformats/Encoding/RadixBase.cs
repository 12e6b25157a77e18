using SimpleBase;

namespace Libp2p.Multiformats;

/// <summary>
/// A power-of-two base (16, 32, 64, 64url) as in RFC 4648, printed without padding. The conversions are SimpleBase's
/// (base16, base32) and the BCL's (base64, base64url); this class adds only the strictness multiaddr needs: one text
/// maps to one byte string. Both libraries accept texts that encode no byte string (SimpleBase base32: a dangling
/// character, non-zero trailing bits; the BCL: whitespace, non-zero trailing bits in Convert), so a decoded text is
/// accepted only when encoding its bytes gives the same text back (ignoring case where the base does).
/// </summary>
internal sealed class RadixBase
{
    private enum Kind { Base16, Base32, Base64, Base64Url }

    public static readonly RadixBase Base16 = new(Kind.Base16);
    public static readonly RadixBase Base32 = new(Kind.Base32);
    public static readonly RadixBase Base64 = new(Kind.Base64);
    public static readonly RadixBase Base64Url = new(Kind.Base64Url);

    private readonly Kind _kind;

    private RadixBase(Kind kind) => _kind = kind;

    /// <summary>Decodes <paramref name="text"/>; trailing '=' padding is accepted only when <paramref name="allowPadding"/>.</summary>
    public bool TryDecode(ReadOnlySpan<char> text, bool allowPadding, out byte[] bytes)
    {
        bytes = [];
        if (allowPadding)
            text = text.TrimEnd('=');
        if (!BigRadixBase.IsVisibleAscii(text))
            return false;
        byte[]? decoded;
        try
        {
            decoded = _kind switch
            {
                Kind.Base16 => TryDecode(SimpleBase.Base16.LowerCase, text),
                Kind.Base32 => TryDecode(SimpleBase.Base32.FileCoin, text),
                Kind.Base64 => TryDecodeBase64(text),
                _ => TryDecodeBase64Url(text),
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException) // bad input is false, never an exception
        {
            return false;
        }
        var comparison = _kind is Kind.Base16 or Kind.Base32 ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (decoded is null || !Encode(decoded).AsSpan().Equals(text, comparison))
            return false;
        bytes = decoded;
        return true;
    }

    /// <summary>Encodes without padding; base16 and base32 in lower case.</summary>
    public string Encode(ReadOnlySpan<byte> data) => _kind switch
    {
        Kind.Base16 => SimpleBase.Base16.LowerCase.Encode(data),
        Kind.Base32 => SimpleBase.Base32.FileCoin.Encode(data), // FileCoin is RFC 4648 base32 in lower case
        Kind.Base64 => Convert.ToBase64String(data).TrimEnd('='),
        _ => System.Buffers.Text.Base64Url.EncodeToString(data),
    };

    private static byte[]? TryDecode(INonAllocatingBaseCoder coder, ReadOnlySpan<char> text)
    {
        var buffer = new byte[coder.GetSafeByteCountForDecoding(text)];
        return coder.TryDecode(text, buffer, out int written) ? Trim(buffer, written) : null;
    }

    // Convert wants padded input; the padding is put back here and the canonical check compares without it.
    private static byte[]? TryDecodeBase64(ReadOnlySpan<char> text)
    {
        string padded = string.Concat(text, "===".AsSpan(0, (4 - text.Length % 4) % 4));
        var buffer = new byte[padded.Length / 4 * 3];
        return Convert.TryFromBase64String(padded, buffer, out int written) ? Trim(buffer, written) : null;
    }

    private static byte[]? TryDecodeBase64Url(ReadOnlySpan<char> text)
    {
        var buffer = new byte[System.Buffers.Text.Base64Url.GetMaxDecodedLength(text.Length)];
        return System.Buffers.Text.Base64Url.TryDecodeFromChars(text, buffer, out int written) ? Trim(buffer, written) : null;
    }

    private static byte[] Trim(byte[] buffer, int written) => written == buffer.Length ? buffer : buffer[..written];
}
